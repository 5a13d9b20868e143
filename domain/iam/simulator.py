"""The policy simulator: asks the engine about actions for a user, group, role or pasted
policies, and explains each decision (the deciding statements, or why none applied).

No view code here: the view parses the form and renders the results.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from accounts import arns
from accounts.models import Group, Principal, Role
from domain.kernel import attachments
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import MalformedPolicyDocument, ValidationError
from policies.engine import (
    Decision,
    EngineError,
    compile_policy,
    condition_keys,
    evaluate,
    validate,
)
from policies.engine import actions as catalogue
from policies.models import InlinePolicy, PolicyVersion

# At most this many actions per run, after patterns are expanded (x 20 resources, the
# results table stays readable and the run stays fast).
MAX_ACTIONS = 200
MAX_RESOURCES = 20
_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9]+")
# Patterns as policies write them: s3:Get*, ec2:Describe?*, *:List*, or * alone.
_PATTERN = re.compile(r"\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+")
SESSION_NAME = "simulator"

DECISION_LABELS = {
    "allow": "allowed",
    "explicit_deny": "explicitly denied",
    "implicit_deny": "implicitly denied",
}


@dataclass(frozen=True)
class Subject:
    """Whose permissions are simulated, and the caller ARN the engine sees."""

    kind: str  # "user" | "group" | "role" | "custom"
    name: str
    arn: str  # the entity's ARN (for authorization and display)
    caller_arn: str  # the request's principal ARN
    policies: dict[str, list[Any]]
    userid: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    policy: str
    statement: str  # "Sid AllowRead" or "statement 2"
    effect: str


@dataclass(frozen=True)
class Result:
    action: str
    resource: str
    decision: str  # "allowed" | "explicitly denied" | "implicitly denied"
    allowed: bool
    statements: tuple[Explanation, ...]
    reasons: tuple[str, ...]
    message: str
    known_action: bool
    # Condition keys the applicable statements test that the run gave no value for
    # (SimulatePrincipalPolicy's MissingContextValues).
    missing_context: tuple[str, ...] = ()


# --- subjects --------------------------------------------------------------------


def for_user(actor: Actor, user: Principal) -> Subject:
    authorize(actor, "iam:SimulatePrincipalPolicy", user)
    return Subject(
        "user",
        user.name,
        user.arn,
        user.arn,
        attachments.policies_for(user),
        userid=user.unique_id,
        tags=user.tag_dict(),
    )


def for_role(actor: Actor, role: Role) -> Subject:
    """A session of the role, as an EC2 instance or a user who assumed it would have."""
    authorize(actor, "iam:SimulatePrincipalPolicy", role)
    session = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{SESSION_NAME}"
    return Subject(
        "role",
        role.name,
        role.arn,
        session,
        attachments.policies_for_role(role),
        userid=f"{role.unique_id}:{SESSION_NAME}",
        tags=role_tags(role),
    )


def role_tags(role: Role) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in role.tags}


def for_group(actor: Actor, group: Group) -> Subject:
    """A member of the group with no other permissions: the group's policies only."""
    authorize(actor, "iam:SimulatePrincipalPolicy", group)
    versions = (
        PolicyVersion.objects.filter(Q(policy__attachments__group=group), is_default=True)
        .select_related("policy")
        .distinct()
    )
    identity: list[Any] = [
        compile_policy(v.document, name=v.policy.arn, key=("version", v.pk)) for v in versions
    ]
    identity += [
        compile_policy(
            p.document,
            name=f"group {group.name} inline policy {p.name}",
            key=("inline", p.pk, p.updated_at.isoformat()),
        )
        for p in InlinePolicy.objects.filter(group=group)
    ]
    # The engine needs a user as caller; the simulated member is named for the group.
    member = arns.user_arn(group.account_id, f"member-of-{group.name}")
    return Subject("group", group.name, group.arn, member, {"identity": identity})


def for_documents(actor: Actor, documents: list[str]) -> Subject:
    """Pasted identity policies (SimulateCustomPolicy), each checked as IAM would."""
    authorize(actor, "iam:SimulateCustomPolicy", "*")
    texts = [d for d in documents if d.strip()]
    if not texts:
        raise ValidationError("Paste at least one policy document.", field="document")
    compiled = []
    for number, text in enumerate(texts, start=1):
        # Checked as IAM checks an identity policy, so a document over the API's length
        # or the managed-policy quota is refused before anything reads it, let alone
        # compiles it.
        errors = validate(text, kind="managed")
        if errors:
            first = errors[0]
            where = f" (line {first.line}, column {first.column})" if first.line else ""
            raise MalformedPolicyDocument(
                f"Policy document {number}: {first.message}{where}", field="document"
            )
        # Keyed by the text's hash: the cache keeps its keys, and a text can be long.
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        compiled.append(
            compile_policy(text, name=f"Policy document {number}", key=("text", digest))
        )
    caller = arns.user_arn(actor.account.id, "simulated-user")
    return Subject("custom", "Custom policies", "*", caller, {"identity": compiled})


# --- input -----------------------------------------------------------------------


def _expand(item: str) -> list[str]:
    """The catalogue actions a pattern (s3:Get*) stands for; refused past MAX_ACTIONS."""
    expanded = catalogue.expand_action(item)
    if not expanded:
        raise ValidationError(
            f"{item} matches no action in the AWS action catalogue.", field="actions"
        )
    if len(expanded) > MAX_ACTIONS:
        raise ValidationError(
            f"{item} matches {len(expanded)} actions; the simulator runs at most "
            f"{MAX_ACTIONS} at once. Narrow the pattern, e.g. s3:Get* instead of s3:*.",
            field="actions",
        )
    return expanded


def parse_action_patterns(text: str | list[str]) -> tuple[list[str], list[tuple[str, int]]]:
    """Actions from free text (one per line or comma separated): literal names, and
    patterns such as s3:Get* expanded from the AWS action catalogue. Also returns each
    pattern with the number of actions it stood for, for the results' heading."""
    items = text if isinstance(text, list) else re.split(r"[\s,]+", text)
    actions: list[str] = []
    patterns: list[tuple[str, int]] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        if _ACTION.fullmatch(item):
            info = catalogue.get_action(item)
            names = [info.full_name if info else item]
        elif _PATTERN.fullmatch(item):
            names = _expand(item)
            patterns.append((item, len(names)))
        else:
            raise ValidationError(
                f"{item} is not an action name: write service:Action, e.g. s3:GetObject, "
                "or a pattern such as s3:Get*.",
                field="actions",
            )
        actions += [name for name in names if name not in actions]
        if len(actions) > MAX_ACTIONS:
            raise ValidationError(
                f"Simulate at most {MAX_ACTIONS} actions at once.", field="actions"
            )
    if not actions:
        raise ValidationError("Choose at least one action.", field="actions")
    return actions, patterns


def parse_actions(text: str | list[str]) -> list[str]:
    return parse_action_patterns(text)[0]


def parse_resources(text: str) -> list[str]:
    resources = [r.strip() for r in re.split(r"[\s,]+", text) if r.strip()] or ["*"]
    for resource in resources:
        if resource != "*" and not resource.startswith("arn:"):
            raise ValidationError(
                f"{resource} is not an ARN: resources are * or start with arn:.",
                field="resources",
            )
    if len(resources) > MAX_RESOURCES:
        raise ValidationError(f"Simulate at most {MAX_RESOURCES} resources.", field="resources")
    return resources


def parse_context(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Context rows; a key given twice is multi-valued."""
    context: dict[str, list[str]] = {}
    for key, value in pairs:
        key = key.strip()
        if not key:
            continue
        if ":" not in key:
            raise ValidationError(
                f"{key} is not a condition key: write prefix:Key, e.g. aws:SourceIp.",
                field="context",
            )
        context.setdefault(key, []).append(value.strip())
    return context


# --- running ---------------------------------------------------------------------


def _explanations(decision: Decision) -> tuple[Explanation, ...]:
    return tuple(
        Explanation(
            policy=ref.policy,
            statement=f"Sid {ref.sid}" if ref.sid else f"statement {ref.index + 1}",
            effect=ref.effect,
        )
        for ref in decision.matched
    )


def simulate(
    subject: Subject,
    actions: list[str],
    resources: list[str],
    context: dict[str, list[str]] | None = None,
) -> list[Result]:
    """One result per (action, resource), in the order given."""
    values: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in (context or {}).items()}
    principal = {
        "arn": subject.caller_arn,
        "username": subject.caller_arn.rsplit("/", 1)[-1] if subject.kind != "role" else None,
        "userid": subject.userid,
        "tags": subject.tags,
    }
    given = {key.lower() for key in values} | _PRINCIPAL_KEYS
    given |= {f"aws:principaltag/{tag.lower()}" for tag in subject.tags}
    results = []
    for action in actions:
        try:
            missing = tuple(
                key for key in condition_keys(subject.policies, action) if key.lower() not in given
            )
        except EngineError as error:
            raise ValidationError(str(error), field="actions") from None
        for resource in resources:
            request = {
                "principal": principal,
                "action": action,
                "resource": resource,
                "context": values,
            }
            try:
                decision = evaluate(subject.policies, request)
            except EngineError as error:
                raise ValidationError(str(error), field="actions") from None
            results.append(
                Result(
                    action=action,
                    resource=resource,
                    decision=DECISION_LABELS[decision.effect],
                    allowed=decision.allowed,
                    statements=_explanations(decision),
                    reasons=decision.reasons,
                    message=decision.message,
                    known_action=catalogue.get_action(action) is not None,
                    missing_context=missing,
                )
            )
    return results


# The keys a simulation fills from its subject (the engine reads them off the principal).
_PRINCIPAL_KEYS = frozenset(
    {
        "aws:username",
        "aws:userid",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
    }
)
