"""Readers: every query is scoped to the actor's account and checked against IAM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    F,
    IntegerField,
    Manager,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from accounts import arns
from accounts.models import (
    AccessKey,
    Account,
    CredentialReport,
    Group,
    GroupMembership,
    InstanceProfile,
    MFADevice,
    Principal,
    Role,
)
from accounts.passwords import Rules, rules_for
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import NoSuchEntity, ReportNotPresent, ValidationError
from domain.kernel.registry import aws_read
from domain.kernel.search import name_contains, names_nothing, under_path
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment


@dataclass(frozen=True)
class AccountSummary:
    users: int
    groups: int
    roles: int
    policies: int


@aws_read("iam:GetAccountSummary")
def get_account_summary(actor: Actor) -> AccountSummary:
    """AWS's GetAccountSummary counts, as the dashboard's "IAM resources" shows them."""
    authorize(actor, "iam:GetAccountSummary", "*")
    account = actor.account
    return AccountSummary(
        users=Principal.objects.filter(account=account, kind=Principal.Kind.USER).count(),
        groups=Group.objects.filter(account=account).count(),
        roles=Role.objects.filter(account=account).count(),
        policies=ManagedPolicy.objects.filter(account=account).count(),
    )


@aws_read("iam:ListAccountAliases")
def list_account_aliases(actor: Actor) -> list[str]:
    authorize(actor, "iam:ListAccountAliases", "*")
    alias = actor.account.alias
    return [alias] if alias else []


# --- single objects: scoped to the actor's account; anything else is a 404 ----------


@aws_read("iam:GetUser")
def get_user(actor: Actor, name: str, *, action: str = "iam:GetUser") -> Principal:
    """The IAM user `name` of the actor's account (names match ignoring case).

    Raises Http404 when there is none, so another account's user looks like no user;
    then checks `action` (default iam:GetUser) on the user's ARN.
    """
    users = Principal.objects.select_related("account", "permissions_boundary").filter(
        kind=Principal.Kind.USER
    )
    user = None if names_nothing(name) else _named(users, actor, name)
    if user is None:
        raise Http404(NoSuchEntity.user(name).message)
    authorize(actor, action, user)
    return user


@aws_read("iam:GetGroup")
def get_group(actor: Actor, name: str, *, action: str = "iam:GetGroup") -> Group:
    group = None if names_nothing(name) else _named(Group.objects, actor, name)
    if group is None:
        raise Http404(NoSuchEntity.group(name).message)
    authorize(actor, action, group)
    return group


@aws_read("iam:GetRole")
def get_role(actor: Actor, name: str, *, action: str = "iam:GetRole") -> Role:
    role = (
        None
        if names_nothing(name)
        else _named(Role.objects.select_related("permissions_boundary"), actor, name)
    )
    if role is None:
        raise Http404(NoSuchEntity.role(name).message)
    authorize(actor, action, role)
    return role


@aws_read("iam:GetPolicy")
def get_policy(actor: Actor, arn: str, *, action: str = "iam:GetPolicy") -> ManagedPolicy:
    """An AWS managed policy or a customer managed policy of the actor's account, by ARN."""
    name = arn.rsplit("/", 1)[-1]
    candidates = ManagedPolicy.objects.filter(
        Q(account__isnull=True) | Q(account=actor.account), name=name
    )
    policy = next((p for p in candidates if p.arn == arn), None)
    if policy is None:
        raise Http404(NoSuchEntity.policy_not_found(arn).message)
    authorize(actor, action, policy)
    return policy


def get_policy_by_name(
    actor: Actor, name: str, *, aws_managed: bool, action: str = "iam:GetPolicy"
) -> ManagedPolicy:
    """An AWS managed policy (names are unique across AWS's) or a customer managed policy
    of the actor's account, by name ignoring case; the console's URLs use these keys."""
    scope = Q(account__isnull=True) if aws_managed else Q(account=actor.account)
    policy = None
    if not names_nothing(name):
        policy = ManagedPolicy.objects.filter(scope, name__iexact=name).first()
    if policy is None:
        raise Http404(NoSuchEntity.policy_named(name).message)
    authorize(actor, action, policy)
    return policy


def _named[M: Model](objects: Manager[M] | QuerySet[M], actor: Actor, name: str) -> M | None:
    """The account's object named `name` ignoring case, through the (account, Lower(name))
    unique index: `name__iexact` (LIKE on SQLite) read every name of the account, ~1 ms
    per lookup in an account of 5,000 users."""
    return (
        objects.alias(lname=Lower("name"))
        .filter(account=actor.account, lname=Lower(Value(name)))
        .first()
    )


# --- MFA devices and the password policy -------------------------------------------


@aws_read("iam:ListMFADevices")
def list_mfa_devices(actor: Actor, owner: Principal) -> list[MFADevice]:
    """`owner`'s MFA devices (iam:ListMFADevices on the owner's ARN)."""
    authorize(actor, "iam:ListMFADevices", owner)
    return list(MFADevice.objects.filter(principal=owner))


def owned_mfa_device(actor: Actor, owner: Principal, device_id: int) -> MFADevice:
    """One of `owner`'s devices by its row id; anything else is a 404."""
    device = (
        MFADevice.objects.select_related("principal__account")
        .filter(principal=owner, account=actor.account, pk=device_id)
        .first()
    )
    if device is None:
        raise Http404(NoSuchEntity.mfa_device().message)
    authorize(actor, "iam:ListMFADevices", owner)
    return device


@aws_read("iam:GetAccountPasswordPolicy")
def get_account_password_policy(actor: Actor) -> Rules:
    """The account's password rules; `custom` is False for the IAM default."""
    authorize(actor, "iam:GetAccountPasswordPolicy", "*")
    return rules_for(Account.objects.select_related("password_policy").get(pk=actor.account.pk))


# --- user groups and access keys ---------------------------------------------------


@aws_read("iam:ListGroups")
def list_groups(
    actor: Actor, *, search: str = "", path_prefix: str | None = None
) -> QuerySet[Group]:
    """The account's groups with their user and policy counts (iam:ListGroups).

    Counts are subqueries, so a page of groups is one query whatever its size.
    """
    authorize(actor, "iam:ListGroups", arns.account_wildcard(actor.account.id, "group"))
    groups = Group.objects.filter(account=actor.account).annotate(
        user_count=_count(GroupMembership, "group"),
        policy_count=_count(PolicyAttachment, "group"),
        inline_count=_count(InlinePolicy, "group"),
    )
    return name_contains(under_path(groups, path_prefix), search)


def _count(
    model: type[GroupMembership] | type[PolicyAttachment] | type[InlinePolicy], fk: str
) -> Any:
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def list_users_for_picking(
    actor: Actor, *, search: str = "", not_in: Group | None = None
) -> QuerySet[Principal]:
    """IAM users offered in pickers (iam:ListUsers), e.g. Create group's users list;
    `not_in` leaves out a group's members (Add users to a group)."""
    authorize(actor, "iam:ListUsers", arns.account_wildcard(actor.account.id, "user"))
    users = Principal.objects.filter(account=actor.account, kind=Principal.Kind.USER)
    if not_in is not None:
        users = users.exclude(iam_groups=not_in)
    users = name_contains(users, search)
    return users.order_by(Lower("name")).only("id", "name", "path", "account_id", "created_at")


def list_policies_for_picking(
    actor: Actor, *, search: str = "", not_attached_to: Group | None = None
) -> QuerySet[ManagedPolicy]:
    """AWS managed and this account's customer managed policies (iam:ListPolicies);
    `not_attached_to` leaves out a group's attached policies (Attach policies)."""
    authorize(actor, "iam:ListPolicies", "*")
    policies = ManagedPolicy.objects.filter(Q(account__isnull=True) | Q(account=actor.account))
    if not_attached_to is not None:
        policies = policies.exclude(attachments__group=not_attached_to)
    policies = name_contains(policies, search)
    return policies.order_by(Lower("name")).only(
        "id", "name", "path", "account_id", "job_function", "description"
    )


def users_named(actor: Actor, names: list[str]) -> list[Principal]:
    """The IAM users of the actor's account with these names; an unknown name raises."""
    wanted = {n.lower() for n in names}
    found: list[Principal] = [
        u
        for u in Principal.objects.filter(account=actor.account, kind=Principal.Kind.USER)
        .annotate(lname=Lower("name"))
        .filter(lname__in=wanted)
    ]
    missing = wanted - {u.name.lower() for u in found}
    if missing:
        raise NoSuchEntity.user(sorted(missing)[0], field="members")
    return found


def policy_for_input(actor: Actor, typed: str, *, field: str = "policy") -> ManagedPolicy:
    """The policy a text box names: its ARN, or a name only one attachable policy has.

    A customer managed policy may be named like an AWS managed one (ReadOnlyAccess); a
    name both have is refused with a request for the ARN, never resolved by guess.
    """
    typed = typed.strip()
    rows = list_policies_for_picking(actor)
    if typed.startswith("arn:"):
        name = typed.rsplit("/", 1)[-1]
        found = [] if names_nothing(name) else list(rows.filter(name=name))
        matches = [p for p in found if p.arn == typed]
    else:
        matches = [] if names_nothing(typed) else list(rows.filter(name__iexact=typed)[:2])
    if not matches:
        raise NoSuchEntity.policy(typed, field=field)
    if len(matches) > 1:
        raise ValidationError(
            f"More than one policy is named {typed}. Enter the policy ARN.", field=field
        )
    return matches[0]


def policies_with_arns(actor: Actor, policy_arns: list[str]) -> list[ManagedPolicy]:
    """AWS managed or this account's policies by ARN; an unknown ARN raises."""
    names = {a.rsplit("/", 1)[-1] for a in policy_arns}
    candidates = ManagedPolicy.objects.filter(
        Q(account__isnull=True) | Q(account=actor.account), name__in=names
    )
    by_arn = {p.arn: p for p in candidates}
    for arn in policy_arns:
        if arn not in by_arn:
            raise NoSuchEntity.policy(arn, field="policies")
    return [by_arn[a] for a in dict.fromkeys(policy_arns)]


def group_members(actor: Actor, group: Group) -> list[Principal]:
    """The group's users (AWS's GetGroup returns them; the caller already passed get_group)."""
    return list(
        Principal.objects.filter(groupmembership__group=group)
        .order_by(Lower("name"))
        .annotate(added_at=F("groupmembership__created_at"))
    )


@aws_read("iam:ListAttachedGroupPolicies")
def list_attached_group_policies(actor: Actor, group: Group) -> list[ManagedPolicy]:
    authorize(actor, "iam:ListAttachedGroupPolicies", group)
    return list(ManagedPolicy.objects.filter(attachments__group=group).order_by(Lower("name")))


@aws_read("iam:ListGroupPolicies")
def list_group_policies(actor: Actor, group: Group) -> list[InlinePolicy]:
    authorize(actor, "iam:ListGroupPolicies", group)
    return list(InlinePolicy.objects.filter(group=group))


@aws_read("iam:ListAccessKeys")
def list_access_keys(actor: Actor, owner: Principal) -> list[AccessKey]:
    """`owner`'s access keys (iam:ListAccessKeys on the owner's ARN), oldest first."""
    authorize(actor, "iam:ListAccessKeys", owner)
    return list(AccessKey.objects.filter(principal=owner))


@aws_read("iam:GetCredentialReport")
def get_credential_report(actor: Actor) -> CredentialReport:
    """The account's stored credential report (iam:GetCredentialReport)."""
    authorize(actor, "iam:GetCredentialReport", "*")
    report = CredentialReport.objects.filter(account=actor.account).first()
    if report is None:
        raise ReportNotPresent(
            "Credential report not present. Generate a report before you download it."
        )
    # Who downloaded every user's credential status, and which report (as CloudTrail
    # records GetCredentialReport): the one read the audit trail keeps.
    details = {"generated_at": report.generated_at.isoformat()}
    audit.record(actor, "iam:GetCredentialReport", "*", details=details)
    return report


# --- roles (issue 5) ------------------------------------------------------------------


@aws_read("iam:ListRoles")
def list_roles(actor: Actor, *, search: str = "", path_prefix: str | None = None) -> QuerySet[Role]:
    """The account's roles (iam:ListRoles), ordered by name ignoring case."""
    authorize(actor, "iam:ListRoles", arns.account_wildcard(actor.account.id, "role"))
    roles = Role.objects.filter(account=actor.account)
    return name_contains(under_path(roles, path_prefix), search)


def roles_named(actor: Actor, names: list[str]) -> list[Role]:
    """The roles of the actor's account with these names (ignoring case); unknown raise."""
    wanted = {n.lower() for n in names}
    found: list[Role] = list(
        Role.objects.filter(account=actor.account)
        .select_related("permissions_boundary")  # authorizing their deletion reads it
        .annotate(lname=Lower("name"))
        .filter(lname__in=wanted)
    )
    missing = wanted - {r.name.lower() for r in found}
    if missing:
        raise NoSuchEntity.role(sorted(missing)[0])
    return found


@aws_read("iam:ListAttachedRolePolicies")
def list_attached_role_policies(actor: Actor, role: Role) -> list[ManagedPolicy]:
    authorize(actor, "iam:ListAttachedRolePolicies", role)
    return list(ManagedPolicy.objects.filter(attachments__role=role).order_by(Lower("name")))


@aws_read("iam:ListRolePolicies")
def list_role_policies(actor: Actor, role: Role) -> list[InlinePolicy]:
    authorize(actor, "iam:ListRolePolicies", role)
    return list(InlinePolicy.objects.filter(role=role))


@aws_read("iam:ListInstanceProfilesForRole")
def list_instance_profiles_for_role(actor: Actor, role: Role) -> list[InstanceProfile]:
    authorize(actor, "iam:ListInstanceProfilesForRole", role)
    return list(InstanceProfile.objects.filter(role=role).select_related("role"))


# Readers the console pages use around a call that already authorized (a list page's count,
# the rows a delete dialog confirms, the document an edit form starts from). Each is scoped
# to the actor's account, so another account's object is never found.


def user_count(actor: Actor) -> int:
    """How many IAM users the account has (the Users page's "(n)", after ListUsers)."""
    return Principal.objects.filter(account=actor.account, kind=Principal.Kind.USER).count()


def selected_users(actor: Actor, names: list[str]) -> list[Principal]:
    """The account's users among `names` (unknown names are skipped), sorted by name; their
    boundaries come along, as authorizing each deletion's DetachUserPolicy reads them."""
    users = Principal.objects.select_related("account", "permissions_boundary").filter(
        account=actor.account, kind=Principal.Kind.USER, name__in=names
    )
    return sorted(users, key=lambda u: u.name.lower())


def selected_groups(actor: Actor, names: list[str]) -> list[Group]:
    """The account's groups among `names` (unknown names are skipped)."""
    return list(Group.objects.filter(account=actor.account, name__in=names))


def user_named(actor: Actor, name: str) -> Principal | None:
    """The account's IAM user with exactly this name, or None (the permissions copy source;
    CopyUserPermissions authorizes reading it)."""
    if names_nothing(name):
        return None
    return Principal.objects.filter(
        account=actor.account, kind=Principal.Kind.USER, name=name
    ).first()


def user_inline_policy(actor: Actor, user: Principal, name: str) -> InlinePolicy | None:
    """`user`'s inline policy `name` (the user came from get_user), or None."""
    if user.account_id != actor.account.id:
        return None
    return InlinePolicy.objects.filter(user=user, name=name).first()


def group_inline_policy(actor: Actor, group: Group, name: str) -> InlinePolicy | None:
    """`group`'s inline policy `name` (the group came from get_group), or None."""
    if group.account_id != actor.account.id:
        return None
    return group.inline_policies.filter(name=name).first()


def role_inline_policy(actor: Actor, role: Role, name: str) -> InlinePolicy | None:
    """`role`'s inline policy `name` (the role came from get_role), or None."""
    if role.account_id != actor.account.id:
        return None
    return role.inline_policies.filter(name=name).first()


def access_key(actor: Actor, owner: Principal, access_key_id: str) -> AccessKey | None:
    """`owner`'s access key with this ID (the owner came from get_user), or None."""
    if owner.account_id != actor.account.id:
        return None
    return AccessKey.objects.filter(principal=owner, access_key_id=access_key_id).first()


def root_access_keys(actor: Actor) -> list[AccessKey]:
    """The root user's own access keys (IAM policies cannot limit root); none for others."""
    if not actor.principal.is_root:
        return []
    return list(AccessKey.objects.filter(principal=actor.principal))
