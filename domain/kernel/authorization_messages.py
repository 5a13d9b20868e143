"""Encoded authorization failure messages, as some AWS APIs return with AccessDenied.

EC2 (and others) answer a denial with "Encoded authorization failure message: <blob>";
sts:DecodeAuthorizationMessage turns the blob back into JSON saying which statements
matched, why the request was not allowed and in what context. Ours is that JSON, shaped
like AWS's DecodedMessage, encrypted with the field-encryption keys (accounts.crypto): the
caller cannot read or forge it, and only the account it was issued in may decode it.
"""

from __future__ import annotations

import json
from typing import Any

from accounts import crypto
from domain.kernel.errors import AccessDenied
from policies.engine import Decision


def _values(value: object) -> list[str]:
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return [str(value)]


def explanation(denied: AccessDenied) -> dict[str, Any] | None:
    """AWS's DecodedMessage fields for a policy denial; None if no decision is attached."""
    decision = denied.decision
    request = denied.request
    if not isinstance(decision, Decision) or request is None:
        return None
    principal: dict[str, Any] = request["principal"]  # type: ignore[assignment]
    context: dict[str, Any] = request["context"]  # type: ignore[assignment]
    return {
        "allowed": decision.allowed,
        "explicitDeny": decision.effect == "explicit_deny",
        "matchedStatements": {
            "items": [
                {
                    "statementId": ref.sid or "",
                    "effect": ref.effect,
                    "index": ref.index,
                    "policy": ref.policy,
                    "policyType": ref.policy_type,
                }
                for ref in decision.matched
            ]
        },
        "failures": {"items": list(decision.reasons)},
        "message": decision.message,
        "context": {
            "principal": {"id": principal.get("userid"), "arn": principal.get("arn")},
            "action": request["action"],
            "resource": request["resource"],
            "conditions": {
                "items": [
                    {"key": key, "values": {"items": [{"value": v} for v in _values(value)]}}
                    for key, value in sorted(context.items())
                ]
            },
        },
    }


def encode(denied: AccessDenied, account_id: str) -> str | None:
    """The encoded message for a denial in `account_id`; None if it has no explanation."""
    found = explanation(denied)
    if found is None:
        return None
    return crypto.encrypt(json.dumps({"account": account_id, "decoded": found}))


def decode(encoded: str, account_id: str) -> dict[str, Any] | None:
    """The decoded message, if it was encoded here for `account_id`; else None."""
    try:
        payload = json.loads(crypto.decrypt(encoded.strip()))
    except (crypto.InvalidToken, ValueError, UnicodeError):
        return None
    if not isinstance(payload, dict) or payload.get("account") != account_id:
        return None
    decoded = payload.get("decoded")
    return decoded if isinstance(decoded, dict) else None
