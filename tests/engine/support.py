"""Small builders shared by the engine tests."""

from __future__ import annotations

from typing import Any

from policies.engine import Decision, evaluate

ACCOUNT = "123456789012"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/Henry"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Builder"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/Builder/henry-session"
FEDERATED_ARN = f"arn:aws:sts::{ACCOUNT}:federated-user/Carol"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"

HENRY: dict[str, Any] = {
    "arn": USER_ARN,
    "username": "Henry",
    "userid": "AIDAHENRY",
    "account": ACCOUNT,
    "tags": {"Team": "red", "CostCenter": "42"},
}
ROLE_SESSION: dict[str, Any] = {
    "arn": SESSION_ARN,
    "userid": "AROABUILDER:henry-session",
    "account": ACCOUNT,
    "tags": {},
}
FEDERATED: dict[str, Any] = {"arn": FEDERATED_ARN, "userid": "123:Carol", "account": ACCOUNT}
ROOT: dict[str, Any] = {"arn": ROOT_ARN, "userid": ACCOUNT, "account": ACCOUNT}


def statement(
    effect: str = "Allow", action: Any = "*", resource: Any = "*", **extra: Any
) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": effect}
    if "not_action" in extra:
        st["NotAction"] = extra.pop("not_action")
    else:
        st["Action"] = action
    if "not_resource" in extra:
        st["NotResource"] = extra.pop("not_resource")
    elif resource is not None:
        st["Resource"] = resource
    if "principal" in extra:
        st["Principal"] = extra.pop("principal")
    if "not_principal" in extra:
        st["NotPrincipal"] = extra.pop("not_principal")
    if "condition" in extra:
        st["Condition"] = extra.pop("condition")
    if "sid" in extra:
        st["Sid"] = extra.pop("sid")
    assert not extra, extra
    return st


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return statement("Allow", action, resource, **extra)


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return statement("Deny", action, resource, **extra)


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        doc["Version"] = version
    return doc


def decide(
    identity: list[Any] | None = None,
    *,
    action: str = "iam:CreateUser",
    resource: str = f"arn:aws:iam::{ACCOUNT}:user/x",
    principal: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    **layers: list[Any],
) -> Decision:
    policies: dict[str, list[Any]] = {"identity": identity or []}
    policies.update(layers)
    return evaluate(
        policies,
        {
            "principal": HENRY if principal is None else principal,
            "action": action,
            "resource": resource,
            "context": context or {},
        },
    )


def effect_of(*statements: dict[str, Any], **kwargs: Any) -> str:
    return decide([policy(*statements)], **kwargs).effect
