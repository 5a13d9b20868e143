"""Typed errors raised by the operations layer, with AWS's codes and messages.

The console shows `message` (beside `field` when there is one); the API returns
`code` and `message` as an AWS error response with `status`.
"""

from __future__ import annotations


class IamError(Exception):
    code = "ServiceFailure"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AccessDenied(IamError):
    code = "AccessDenied"
    status = 403

    # The engine's decision behind a policy denial (set by authorize), for the encoded
    # authorization message some AWS APIs return (domain.kernel.authorization_messages).
    decision: object | None = None
    request: dict[str, object] | None = None


class NoSuchEntity(IamError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(IamError):
    code = "EntityAlreadyExists"
    status = 409


class LimitExceeded(IamError):
    code = "LimitExceeded"
    status = 409


class DeleteConflict(IamError):
    code = "DeleteConflict"
    status = 409


class ValidationError(IamError):
    code = "ValidationError"


class InvalidInput(IamError):
    code = "InvalidInput"


class MalformedPolicyDocument(IamError):
    code = "MalformedPolicyDocument"


class PasswordPolicyViolation(IamError):
    code = "PasswordPolicyViolation"


class Throttled(IamError):
    code = "Throttling"
    status = 429


class InvalidAuthenticationCode(IamError):
    """A wrong, stale or replayed MFA code (AWS answers 403)."""

    code = "InvalidAuthenticationCode"
    status = 403


class ReportNotPresent(IamError):
    """GetCredentialReport before any GenerateCredentialReport (AWS answers 410)."""

    code = "ReportNotPresent"
    status = 410


class InvalidUserType(IamError):
    """An IAM-user-only call (ChangePassword) made with other credentials (a role session)."""

    code = "InvalidUserType"


class ExpiredToken(IamError):
    """Temporary credentials used after their expiry (STS and every service answer 400)."""

    code = "ExpiredToken"


class PackedPolicyTooLarge(IamError):
    """AssumeRole's session policies and tags do not fit the packed size."""

    code = "PackedPolicyTooLarge"


class InvalidAuthorizationMessage(IamError):
    """DecodeAuthorizationMessage given something it did not encode."""

    code = "InvalidAuthorizationMessageException"
