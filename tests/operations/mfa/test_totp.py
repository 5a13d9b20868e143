from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp

from accounts import mfa

NOW = datetime(2025, 3, 1, 12, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code(offset_steps: int = 0) -> str:
    return pyotp.TOTP(SECRET).at(NOW + timedelta(seconds=30 * offset_steps))


def test_otpauth_uri_has_aws_shape_with_issuer_and_account_label() -> None:
    uri = mfa.otpauth_uri(
        secret=SECRET, device_name="my phone", account_label="demo", issuer="IAM Console"
    )
    assert uri.startswith("otpauth://totp/IAM%20Console:my%20phone@demo?")
    query = parse_qs(urlsplit(uri).query)
    assert query == {"secret": [SECRET], "issuer": ["IAM Console"]}
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == SECRET
    assert parsed.issuer == "IAM Console"


def test_qr_svg_has_no_style_or_fixed_size_attributes() -> None:
    svg = mfa.qr_svg("otpauth://totp/x:y@z?secret=ABC&issuer=x")
    assert svg.startswith("<svg")
    assert "style=" not in svg
    assert 'width="' not in svg.split(">")[0]
    assert "<path" in svg


def test_new_secrets_are_base32_and_differ() -> None:
    first, second = mfa.new_secret(), mfa.new_secret()
    assert first != second
    assert len(first) == 32
    pyotp.TOTP(first).now()  # decodes as base32


def test_a_code_is_accepted_within_one_step_of_drift_and_not_beyond() -> None:
    assert mfa.matching_step(SECRET, code(0), now=NOW) == mfa.step_at(NOW)
    assert mfa.matching_step(SECRET, code(-1), now=NOW) == mfa.step_at(NOW) - 1
    assert mfa.matching_step(SECRET, code(1), now=NOW) == mfa.step_at(NOW) + 1
    assert mfa.matching_step(SECRET, code(-2), now=NOW) is None
    assert mfa.matching_step(SECRET, code(2), now=NOW) is None


def test_a_code_at_or_before_the_last_used_step_is_a_replay() -> None:
    step = mfa.step_at(NOW)
    assert mfa.matching_step(SECRET, code(0), now=NOW, after=step) is None
    assert mfa.matching_step(SECRET, code(0), now=NOW, after=step - 1) == step


def test_malformed_codes_are_refused() -> None:
    for bad in ("", "12345", "1234567", "abcdef", "12 456"):
        assert mfa.matching_step(SECRET, bad, now=NOW) is None


def test_two_consecutive_codes_give_the_second_step() -> None:
    step = mfa.step_at(NOW)
    assert mfa.consecutive_step(SECRET, code(0), code(1), now=NOW) == step + 1
    assert mfa.consecutive_step(SECRET, code(-1), code(0), now=NOW) == step


def test_codes_that_are_not_consecutive_are_refused() -> None:
    assert mfa.consecutive_step(SECRET, code(0), code(0), now=NOW) is None
    assert mfa.consecutive_step(SECRET, code(1), code(0), now=NOW) is None
    assert mfa.consecutive_step(SECRET, code(-1), code(1), now=NOW) is None
    # The second code must itself be within the drift window.
    assert mfa.consecutive_step(SECRET, code(1), code(2), now=NOW) is None
