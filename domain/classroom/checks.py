"""Lab checks: declarative assertions a template lists under `Metadata: LabChecks:`, each
shown to the instructor as done or not yet.

    - Title: Add user-3 to the EC2-Admin group
      Assert: UserInGroup          # User, Group
    - Assert: UserNotInGroup       # User, Group
    - Assert: PolicyAttached       # PolicyArn and one of User, Group, Role
    - Assert: PolicyNotAttached
    - Assert: UserExists           # User
    - Assert: UserHasMFA           # User
    - Assert: EventSucceeded       # User, Action: the user called Action successfully

Values may use Ref and Fn::Sub over the stack's parameters (NoEcho ones are not available).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts import arns
from accounts.models import Account, GroupMembership, MFADevice, Principal
from classroom import cfn
from domain.classroom import events
from policies.models import PolicyAttachment


@dataclass(frozen=True)
class CheckResult:
    title: str
    done: bool


def _user_in_group(account: Account, spec: dict[str, Any]) -> bool:
    return GroupMembership.objects.filter(
        group__account=account,
        group__name__iexact=str(spec.get("Group", "")),
        principal__name__iexact=str(spec.get("User", "")),
        principal__kind=Principal.Kind.USER,
    ).exists()


def _policy_attached(account: Account, spec: dict[str, Any]) -> bool:
    arn = str(spec.get("PolicyArn", ""))
    attachments = PolicyAttachment.objects.filter(policy__name=arn.rsplit("/", 1)[-1])
    if "User" in spec:
        attachments = attachments.filter(
            user__account=account, user__name__iexact=str(spec["User"])
        )
    elif "Group" in spec:
        attachments = attachments.filter(
            group__account=account, group__name__iexact=str(spec["Group"])
        )
    elif "Role" in spec:
        attachments = attachments.filter(
            role__account=account, role__name__iexact=str(spec["Role"])
        )
    else:
        return False
    return any(a.policy.arn == arn for a in attachments.select_related("policy"))


def _user(account: Account, spec: dict[str, Any]) -> Principal | None:
    return Principal.objects.filter(
        account=account, kind=Principal.Kind.USER, name__iexact=str(spec.get("User", ""))
    ).first()


def _user_exists(account: Account, spec: dict[str, Any]) -> bool:
    return _user(account, spec) is not None


def _user_has_mfa(account: Account, spec: dict[str, Any]) -> bool:
    user = _user(account, spec)
    return (
        user is not None
        and MFADevice.objects.filter(principal=user, enabled_at__isnull=False).exists()
    )


def _event_succeeded(
    account: Account, spec: dict[str, Any], *, since: datetime | None = None
) -> bool:
    user = _user(account, spec)
    arn = user.arn if user is not None else arns.user_arn(account.id, str(spec.get("User", "")))
    return events.successful_call(account, arn, str(spec.get("Action", "")), since=since)


Assertion = Callable[[Account, dict[str, Any]], bool]

ASSERTIONS: dict[str, Assertion] = {
    "UserInGroup": _user_in_group,
    "UserNotInGroup": lambda account, spec: not _user_in_group(account, spec),
    "PolicyAttached": _policy_attached,
    "PolicyNotAttached": lambda account, spec: not _policy_attached(account, spec),
    "UserExists": _user_exists,
    "UserHasMFA": _user_has_mfa,
    "EventSucceeded": _event_succeeded,
}


def _title(spec: dict[str, Any]) -> str:
    if "Title" in spec:
        return str(spec["Title"])
    details = ", ".join(f"{k}={v}" for k, v in spec.items() if k != "Assert")
    return f"{spec.get('Assert', '?')} ({details})"


def evaluate(
    template: cfn.Template,
    account: Account,
    parameters: dict[str, str],
    *,
    since: datetime | None = None,
) -> list[CheckResult]:
    """Each check of the template, done or not yet; event checks count only calls made at
    `since` or later (the lab stack's deploy, so a reset starts them over)."""
    assertions: dict[str, Assertion] = {
        **ASSERTIONS,
        "EventSucceeded": functools.partial(_event_succeeded, since=since),
    }
    ctx = cfn.Context(account_id=account.id, stack_name="lab", stack_id="", parameters=parameters)
    results = []
    for raw in template.lab_checks:
        try:
            spec = cfn.resolve(raw, ctx)
        except cfn.TemplateError:
            spec = raw
        assertion = assertions.get(str(spec.get("Assert", "")))
        done = assertion is not None and assertion(account, spec)
        results.append(CheckResult(title=_title(spec), done=done))
    return results
