"""IAM's actions over the API: action name -> a small handler.

Each handler turns the parsed input (botocore's member names) into one call of the domain
(domain.iam), and the result into the operation's output shape as a dict; protocol.serialize
writes the XML. No rules live here: the domain authorizes, validates and raises AWS's errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from accounts.models import AccessKey, Group, Principal, Role
from accounts.passwords import Rules
from api import listing
from api.errors import ApiError
from domain import iam
from domain.iam import (
    access,
    api_readers,
    credential_report,
    policy_listing,
    simulator,
    user_listing,
)
from domain.iam import policies as policy_ops
from domain.iam.api_readers import Page
from domain.iam.users import INVALID_USER_TYPE
from domain.kernel.actors import Actor
from domain.kernel.errors import InvalidUserType, NoSuchEntity, ValidationError
from policies.models import InlinePolicy, ManagedPolicy, PolicyVersion

Handler = Callable[[Actor, dict[str, Any]], dict[str, Any] | None]


# --- shapes: domain objects -> the output shapes' members -----------------------------


def document(text: str) -> str:
    """Policy documents travel URL-encoded in IAM's responses (RFC 3986)."""
    return quote(text, safe="-_.~")


def tags_of(raw: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in raw]


def tag_pairs(tags: list[dict[str, str]] | None) -> list[tuple[str, str]]:
    return [(t.get("Key", ""), t.get("Value", "")) for t in tags or []]


def boundary_of(entity: Principal | Role) -> dict[str, str] | None:
    if not entity.permissions_boundary_id:
        return None
    boundary: ManagedPolicy = entity.permissions_boundary  # type: ignore[assignment]
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary.arn}


def user_shape(user: Principal, *, detail: bool = False) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.unique_id,
        "Arn": user.arn,
        "CreateDate": user.created_at,
        "PasswordLastUsed": user.last_login,
    }
    if user.is_root:
        shape = {"UserId": user.unique_id, "Arn": user.arn, "CreateDate": user.created_at}
        shape["PasswordLastUsed"] = user.last_login
    if detail and not user.is_root:
        shape["PermissionsBoundary"] = boundary_of(user)
        shape["Tags"] = tags_of(user.tags) or None
    return shape


def group_shape(group: Group) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.unique_id,
        "Arn": group.arn,
        "CreateDate": group.created_at,
    }


def role_shape(role: Role, *, detail: bool = False) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.unique_id,
        "Arn": role.arn,
        "CreateDate": role.created_at,
        "AssumeRolePolicyDocument": document(role.trust_policy),
        "Description": role.description or None,
        "MaxSessionDuration": role.max_session_duration,
    }
    if detail:
        shape["PermissionsBoundary"] = boundary_of(role)
        shape["Tags"] = tags_of(role.tags) or None
        last = {"LastUsedDate": role.last_used_at, "Region": role.last_used_region or None}
        shape["RoleLastUsed"] = last if role.last_used_at else {}
    return shape


def policy_shape(
    policy: ManagedPolicy,
    default_version: str | None,
    attachments: int,
    *,
    boundaries: int = 0,
    detail: bool = False,
) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "PolicyName": policy.name,
        "PolicyId": policy.unique_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": default_version,
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": boundaries,
        "IsAttachable": True,
        "CreateDate": policy.created_at,
        "UpdateDate": policy.updated_at,
    }
    if detail:
        shape["Description"] = policy.description or None
        shape["Tags"] = tags_of(policy.tags) or None
    return shape


def one_policy(actor: Actor, policy: ManagedPolicy) -> dict[str, Any]:
    versions = api_readers.default_version_ids([policy])
    counts = api_readers.attachment_counts(actor, [policy])
    bounded = api_readers.boundary_counts(actor, [policy])
    return policy_shape(
        policy,
        versions.get(policy.pk),
        counts[policy.pk],
        boundaries=bounded[policy.pk],
        detail=True,
    )


def version_shape(version: PolicyVersion, *, with_document: bool) -> dict[str, Any]:
    return {
        "Document": document(version.document) if with_document else None,
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": version.created_at,
    }


def key_shape(key: AccessKey, user_name: str | None) -> dict[str, Any]:
    return {
        "UserName": user_name,
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": key.created_at,
    }


def paged(page: Page, name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return listing.paged(page, name, rows)


def attached_shape(policies: list[ManagedPolicy]) -> list[dict[str, str]]:
    return [{"PolicyName": p.name, "PolicyArn": p.arn} for p in policies]


# --- finding what a call names ---------------------------------------------------------


# AWS's answer to a call without UserName from a role session (which is not a user).
NON_USER_CREDENTIALS = "Must specify userName when calling with non-User credentials"


def caller_or_user(actor: Actor, name: str | None, action: str) -> Principal:
    """A call with no UserName acts on the caller (root's own keys, one's own user); a role
    session has no user of its own (its principal is whoever assumed the role)."""
    if not name:
        if actor.role_session is not None:
            raise ValidationError(NON_USER_CREDENTIALS)
        return actor.principal
    return access.get_user(actor, name, action=action)


def user_named(actor: Actor, name: str) -> Principal:
    """The user a call names, unauthorized: the operation authorizes with its own context."""
    user = access.user_named(actor, name)
    if user is None:
        raise NoSuchEntity(f"The user with name {name} cannot be found.")
    return user


def group_named(actor: Actor, name: str) -> Group:
    groups = access.selected_groups(actor, [name])
    if not groups:
        raise NoSuchEntity(f"The group with name {name} cannot be found.")
    return groups[0]


def role_named(actor: Actor, name: str) -> Role:
    return access.roles_named(actor, [name])[0]


ENTITY_FINDERS: dict[str, Callable[[Actor, str], Principal | Group | Role]] = {
    "User": user_named,
    "Group": group_named,
    "Role": role_named,
}


# --- users -----------------------------------------------------------------------------


def get_user(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = caller_or_user(actor, p.get("UserName"), "iam:GetUser")
    return {"User": user_shape(user, detail=True)}


def list_users(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    users = user_listing.list_users(actor, path_prefix=p.get("PathPrefix"), columns=False)
    page = api_readers.page(users, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    return paged(page, "Users", [user_shape(u) for u in page.items])


def create_user(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = iam.create_user(
        actor=actor,
        name=p["UserName"],
        path=p.get("Path", "/"),
        tags=tag_pairs(p.get("Tags")) or None,
    )
    boundary = p.get("PermissionsBoundary")
    if boundary:
        policy_ops.put_user_permissions_boundary(
            actor=actor, user=user, policy=policy_ops.attachable_policy(actor, boundary)
        )
    return {"User": user_shape(user, detail=True)}


def delete_user(actor: Actor, p: dict[str, Any]) -> None:
    iam.delete_user(
        actor=actor, user=access.get_user(actor, p["UserName"], action="iam:DeleteUser")
    )


def tag_user(actor: Actor, p: dict[str, Any]) -> None:
    user = access.get_user(actor, p["UserName"], action="iam:TagUser")
    iam.tag_user(actor=actor, user=user, tags=tag_pairs(p["Tags"]))


def untag_user(actor: Actor, p: dict[str, Any]) -> None:
    user = access.get_user(actor, p["UserName"], action="iam:UntagUser")
    iam.untag_user(actor=actor, user=user, keys=p["TagKeys"])


def list_user_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = access.get_user(actor, p["UserName"], action="iam:ListUserTags")
    return listing.paged_list(p, "Tags", tags_of(user.tags))


def update_user(actor: Actor, p: dict[str, Any]) -> None:
    user = access.get_user(actor, p["UserName"], action="iam:UpdateUser")
    iam.update_user(
        actor=actor, user=user, new_name=p.get("NewUserName"), new_path=p.get("NewPath")
    )


def put_user_permissions_boundary(actor: Actor, p: dict[str, Any]) -> None:
    user = user_named(actor, p["UserName"])
    policy = policy_ops.attachable_policy(actor, p["PermissionsBoundary"])
    policy_ops.put_user_permissions_boundary(actor=actor, user=user, policy=policy)


def delete_user_permissions_boundary(actor: Actor, p: dict[str, Any]) -> None:
    policy_ops.delete_user_permissions_boundary(actor=actor, user=user_named(actor, p["UserName"]))


# --- access keys -----------------------------------------------------------------------


def create_access_key(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = caller_or_user(actor, p.get("UserName"), "iam:CreateAccessKey")
    new = iam.create_access_key(actor=actor, user=user)
    shape = key_shape(new.key, None if user.is_root else user.name)
    shape["SecretAccessKey"] = new.secret
    return {"AccessKey": shape}


def list_access_keys(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = caller_or_user(actor, p.get("UserName"), "iam:ListAccessKeys")
    keys = access.root_access_keys(actor) if user.is_root else access.list_access_keys(actor, user)
    name = None if user.is_root else user.name
    return listing.paged_list(p, "AccessKeyMetadata", [key_shape(k, name) for k in keys])


def update_access_key(actor: Actor, p: dict[str, Any]) -> None:
    user = caller_or_user(actor, p.get("UserName"), "iam:UpdateAccessKey")
    iam.update_access_key(
        actor=actor, user=user, access_key_id=p["AccessKeyId"], status=p["Status"]
    )


def delete_access_key(actor: Actor, p: dict[str, Any]) -> None:
    user = caller_or_user(actor, p.get("UserName"), "iam:DeleteAccessKey")
    iam.delete_access_key(actor=actor, user=user, access_key_id=p["AccessKeyId"])


def get_access_key_last_used(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    key, owner = api_readers.access_key_owner(actor, p["AccessKeyId"])
    used: dict[str, Any] = {"ServiceName": "N/A", "Region": "N/A"}
    if key.last_used_at:
        used = {
            "LastUsedDate": key.last_used_at,
            "ServiceName": key.last_used_service,
            "Region": key.last_used_region,
        }
    return {"UserName": None if owner.is_root else owner.name, "AccessKeyLastUsed": used}


# --- login profiles and passwords ------------------------------------------------------


def login_profile_shape(user: Principal) -> dict[str, Any]:
    return {
        "LoginProfile": {
            "UserName": user.name,
            "CreateDate": user.password_last_changed or user.created_at,
            "PasswordResetRequired": user.password_reset_required,
        }
    }


def create_login_profile(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = caller_or_user(actor, p.get("UserName"), "iam:CreateLoginProfile")
    iam.create_login_profile(
        actor=actor,
        user=user,
        password=p.get("Password", ""),
        password_reset_required=p.get("PasswordResetRequired", False),
    )
    return login_profile_shape(user)


def get_login_profile(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = caller_or_user(actor, p.get("UserName"), "iam:GetLoginProfile")
    if not user.has_usable_password():
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.")
    return login_profile_shape(user)


def update_login_profile(actor: Actor, p: dict[str, Any]) -> None:
    user = caller_or_user(actor, p.get("UserName"), "iam:UpdateLoginProfile")
    if not user.has_usable_password():
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.")
    iam.update_login_profile(
        actor=actor,
        user=user,
        password=p.get("Password"),
        password_reset_required=p.get("PasswordResetRequired", user.password_reset_required),
    )


def delete_login_profile(actor: Actor, p: dict[str, Any]) -> None:
    user = caller_or_user(actor, p.get("UserName"), "iam:DeleteLoginProfile")
    if not user.has_usable_password():
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.")
    iam.delete_login_profile(actor=actor, user=user)


def change_password(actor: Actor, p: dict[str, Any]) -> None:
    if actor.is_root:
        # AWS: ChangePassword is for IAM users; the root user's password is not its to change.
        raise InvalidUserType(INVALID_USER_TYPE)
    iam.change_password(actor=actor, old_password=p["OldPassword"], new_password=p["NewPassword"])


# --- groups ----------------------------------------------------------------------------


def create_group(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    group = iam.create_group(actor=actor, name=p["GroupName"], path=p.get("Path", "/"))
    return {"Group": group_shape(group)}


def get_group(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    group = access.get_group(actor, p["GroupName"])
    page = api_readers.group_users(
        actor, group, marker=p.get("Marker"), max_items=p.get("MaxItems")
    )
    result = paged(page, "Users", [user_shape(u) for u in page.items])
    result["Group"] = group_shape(group)
    return result


def list_groups(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    groups = access.list_groups(actor, path_prefix=p.get("PathPrefix"))
    page = api_readers.page(groups, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    return paged(page, "Groups", [group_shape(g) for g in page.items])


def update_group(actor: Actor, p: dict[str, Any]) -> None:
    group = access.get_group(actor, p["GroupName"], action="iam:UpdateGroup")
    iam.update_group(
        actor=actor,
        group=group,
        new_name=p.get("NewGroupName") or group.name,
        new_path=p.get("NewPath"),
    )


def delete_group(actor: Actor, p: dict[str, Any]) -> None:
    group = access.get_group(actor, p["GroupName"], action="iam:DeleteGroup")
    iam.delete_group(actor=actor, group=group)


def add_user_to_group(actor: Actor, p: dict[str, Any]) -> None:
    group = group_named(actor, p["GroupName"])
    iam.add_user_to_group(actor=actor, group=group, user=user_named(actor, p["UserName"]))


def remove_user_from_group(actor: Actor, p: dict[str, Any]) -> None:
    group = group_named(actor, p["GroupName"])
    iam.remove_user_from_group(actor=actor, group=group, user=user_named(actor, p["UserName"]))


def list_groups_for_user(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = user_named(actor, p["UserName"])
    page = api_readers.groups_for_user(
        actor, user, marker=p.get("Marker"), max_items=p.get("MaxItems")
    )
    return paged(page, "Groups", [group_shape(g) for g in page.items])


# --- managed policies ------------------------------------------------------------------


def create_policy(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    policy = policy_ops.create_policy(
        actor=actor,
        name=p["PolicyName"],
        document=p["PolicyDocument"],
        description=p.get("Description", ""),
        path=p.get("Path", "/"),
        tags=tag_pairs(p.get("Tags")) or None,
    )
    return {"Policy": one_policy(actor, policy)}


def get_policy(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    return {"Policy": one_policy(actor, access.get_policy(actor, p["PolicyArn"]))}


# ListPolicies' Scope, as the console's type filter names it.
POLICY_SCOPES = {"All": "all", "AWS": "aws_managed", "Local": "customer"}


def list_policies(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    policies = policy_listing.list_policies(
        actor,
        type_filter=POLICY_SCOPES.get(p.get("Scope", "All"), "all"),
        used="permissions" if p.get("OnlyAttached", False) else "",
        path_prefix=p.get("PathPrefix"),
    )
    page = api_readers.page(policies, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    versions = api_readers.default_version_ids(page.items)
    counts = api_readers.attachment_counts(actor, page.items)
    bounded = api_readers.boundary_counts(actor, page.items)
    rows = [
        policy_shape(x, versions.get(x.pk), counts[x.pk], boundaries=bounded[x.pk])
        for x in page.items
    ]
    return paged(page, "Policies", rows)


def delete_policy(actor: Actor, p: dict[str, Any]) -> None:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:DeletePolicy")
    policy_ops.delete_policy(actor=actor, policy=policy)


def get_policy_version(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:GetPolicyVersion")
    version = policy_listing.get_policy_version(actor, policy, p["VersionId"])
    if version is None:
        raise NoSuchEntity(f"Policy {policy.arn} version {p['VersionId']} does not exist.")
    return {"PolicyVersion": version_shape(version, with_document=True)}


def create_policy_version(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:CreatePolicyVersion")
    version = policy_ops.create_policy_version(
        actor=actor,
        policy=policy,
        document=p["PolicyDocument"],
        set_as_default=p.get("SetAsDefault", False),
    )
    return {"PolicyVersion": version_shape(version, with_document=False)}


def list_policy_versions(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:ListPolicyVersions")
    versions = policy_listing.list_policy_versions(actor, policy)
    return listing.paged_list(
        p, "Versions", [version_shape(v, with_document=False) for v in versions]
    )


# ListEntitiesForPolicy's EntityFilter: which kinds of entity it lists.
ENTITY_KINDS = {
    "User": ("User",),
    "Group": ("Group",),
    "Role": ("Role",),
    "LocalManagedPolicy": (),
    "AWSManagedPolicy": (),
}


def list_entities_for_policy(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    """PolicyGroups, PolicyUsers and PolicyRoles in one list (groups, users, roles, each in
    name order), paged together as AWS pages them; PolicyUsageFilter picks attachments
    (PermissionsPolicy) or boundaries (PermissionsBoundary)."""
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:ListEntitiesForPolicy")
    found = policy_listing.list_entities_for_policy(actor, policy)
    usage = p.get("PolicyUsageFilter")
    kinds = ENTITY_KINDS.get(p.get("EntityFilter", ""), ("Group", "User", "Role"))
    prefix = p.get("PathPrefix") or "/"
    by_kind: dict[str, list[Any]] = {"Group": [], "User": [], "Role": []}
    if usage != "PermissionsBoundary":
        by_kind["Group"] += found.groups
        by_kind["User"] += found.users
        by_kind["Role"] += found.roles
    if usage != "PermissionsPolicy":
        by_kind["User"] += [u for u in found.bounded_users if u not in by_kind["User"]]
        by_kind["Role"] += [r for r in found.bounded_roles if r not in by_kind["Role"]]
    rows: list[tuple[str, Any]] = []
    for kind in ("Group", "User", "Role"):
        if kind in kinds:
            entities = sorted(by_kind[kind], key=lambda e: e.name.lower())
            rows += [(kind, e) for e in entities if e.path.startswith(prefix)]
    page = api_readers.page_items(rows, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    result: dict[str, Any] = {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": []}
    for kind, entity in page.items:
        result[f"Policy{kind}s"].append({f"{kind}Name": entity.name, f"{kind}Id": entity.unique_id})
    result["IsTruncated"] = page.is_truncated
    result["Marker"] = page.marker
    return result


def set_default_policy_version(actor: Actor, p: dict[str, Any]) -> None:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:SetDefaultPolicyVersion")
    policy_ops.set_default_policy_version(actor=actor, policy=policy, version_id=p["VersionId"])


def delete_policy_version(actor: Actor, p: dict[str, Any]) -> None:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:DeletePolicyVersion")
    policy_ops.delete_policy_version(actor=actor, policy=policy, version_id=p["VersionId"])


def tag_policy(actor: Actor, p: dict[str, Any]) -> None:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:TagPolicy")
    policy_ops.tag_policy(actor=actor, policy=policy, tags=tag_pairs(p["Tags"]))


def untag_policy(actor: Actor, p: dict[str, Any]) -> None:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:UntagPolicy")
    policy_ops.untag_policy(actor=actor, policy=policy, keys=p["TagKeys"])


def list_policy_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    policy = access.get_policy(actor, p["PolicyArn"], action="iam:ListPolicyTags")
    return listing.paged_list(p, "Tags", tags_of(policy_listing.list_policy_tags(actor, policy)))


# --- attachments and inline policies, for users, groups and roles ----------------------

# One AWS action per entity kind: the handlers below pick the writer by the kind they serve.
ATTACH: dict[str, Callable[[Actor, Any, ManagedPolicy], None]] = {
    "User": lambda a, t, pol: policy_ops.attach_user_policy(actor=a, user=t, policy=pol),
    "Group": lambda a, t, pol: policy_ops.attach_group_policy(actor=a, group=t, policy=pol),
    "Role": lambda a, t, pol: policy_ops.attach_role_policy(actor=a, role=t, policy=pol),
}
DETACH: dict[str, Callable[[Actor, Any, ManagedPolicy], None]] = {
    "User": lambda a, t, pol: policy_ops.detach_user_policy(actor=a, user=t, policy=pol),
    "Group": lambda a, t, pol: policy_ops.detach_group_policy(actor=a, group=t, policy=pol),
    "Role": lambda a, t, pol: policy_ops.detach_role_policy(actor=a, role=t, policy=pol),
}
PUT_INLINE: dict[str, Callable[[Actor, Any, str, str], object]] = {
    "User": lambda a, t, n, d: policy_ops.put_user_policy(actor=a, user=t, name=n, document=d),
    "Group": lambda a, t, n, d: policy_ops.put_group_policy(actor=a, group=t, name=n, document=d),
    "Role": lambda a, t, n, d: policy_ops.put_role_policy(actor=a, role=t, name=n, document=d),
}
DELETE_INLINE: dict[str, Callable[[Actor, Any, str], None]] = {
    "User": lambda a, t, n: policy_ops.delete_user_policy(actor=a, user=t, name=n),
    "Group": lambda a, t, n: policy_ops.delete_group_policy(actor=a, group=t, name=n),
    "Role": lambda a, t, n: policy_ops.delete_role_policy(actor=a, role=t, name=n),
}


def attach(kind: str) -> Handler:
    def handler(actor: Actor, p: dict[str, Any]) -> None:
        target = ENTITY_FINDERS[kind](actor, p[f"{kind}Name"])
        policy = policy_ops.attachable_policy(actor, p["PolicyArn"])
        ATTACH[kind](actor, target, policy)

    return handler


def detach(kind: str) -> Handler:
    def handler(actor: Actor, p: dict[str, Any]) -> None:
        target = ENTITY_FINDERS[kind](actor, p[f"{kind}Name"])
        policy = policy_ops.attachable_policy(actor, p["PolicyArn"])
        DETACH[kind](actor, target, policy)

    return handler


def list_attached(kind: str) -> Handler:
    def handler(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
        target = ENTITY_FINDERS[kind](actor, p[f"{kind}Name"])
        policies = api_readers.attached_policies(actor, target)
        prefix = p.get("PathPrefix")
        if prefix:
            policies = [x for x in policies if x.path.startswith(prefix)]
        return listing.paged_list(p, "AttachedPolicies", attached_shape(policies))

    return handler


def put_inline(kind: str) -> Handler:
    def handler(actor: Actor, p: dict[str, Any]) -> None:
        target = ENTITY_FINDERS[kind](actor, p[f"{kind}Name"])
        PUT_INLINE[kind](actor, target, p["PolicyName"], p["PolicyDocument"])

    return handler


def get_inline(kind: str) -> Handler:
    def handler(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
        target = ENTITY_FINDERS[kind](actor, p[f"{kind}Name"])
        found: InlinePolicy = api_readers.inline_policy(actor, target, p["PolicyName"])
        return {
            f"{kind}Name": target.name,
            "PolicyName": found.name,
            "PolicyDocument": document(found.document),
        }

    return handler


def delete_inline(kind: str) -> Handler:
    def handler(actor: Actor, p: dict[str, Any]) -> None:
        target = ENTITY_FINDERS[kind](actor, p[f"{kind}Name"])
        api_readers.inline_policy(actor, target, p["PolicyName"])  # NoSuchEntity as AWS
        DELETE_INLINE[kind](actor, target, p["PolicyName"])

    return handler


def list_inline(kind: str) -> Handler:
    def handler(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
        target = ENTITY_FINDERS[kind](actor, p[f"{kind}Name"])
        names = [x.name for x in api_readers.inline_policies(actor, target)]
        return listing.paged_list(p, "PolicyNames", names)

    return handler


# --- roles -----------------------------------------------------------------------------


def create_role(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    boundary = p.get("PermissionsBoundary")
    role = iam.create_role(
        actor=actor,
        name=p["RoleName"],
        trust_policy=p["AssumeRolePolicyDocument"],
        description=p.get("Description", ""),
        path=p.get("Path", "/"),
        max_session_duration=p.get("MaxSessionDuration", 3600),
        tags=tag_pairs(p.get("Tags")) or None,
        permissions_boundary=policy_ops.attachable_policy(actor, boundary) if boundary else None,
    )
    return {"Role": role_shape(role, detail=True)}


def get_role(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    return {"Role": role_shape(access.get_role(actor, p["RoleName"]), detail=True)}


def list_roles(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    roles = access.list_roles(actor, path_prefix=p.get("PathPrefix"))
    page = api_readers.page(roles, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    return paged(page, "Roles", [role_shape(r) for r in page.items])


def delete_role(actor: Actor, p: dict[str, Any]) -> None:
    iam.delete_role(
        actor=actor, role=access.get_role(actor, p["RoleName"], action="iam:DeleteRole")
    )


def update_role(actor: Actor, p: dict[str, Any]) -> None:
    role = access.get_role(actor, p["RoleName"], action="iam:UpdateRole")
    iam.update_role(
        actor=actor,
        role=role,
        description=p.get("Description", role.description),
        max_session_duration=p.get("MaxSessionDuration", role.max_session_duration),
    )


def update_role_description(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    role = access.get_role(actor, p["RoleName"], action="iam:UpdateRoleDescription")
    iam.update_role_description(actor=actor, role=role, description=p["Description"])
    return {"Role": role_shape(role, detail=True)}


def update_assume_role_policy(actor: Actor, p: dict[str, Any]) -> None:
    role = access.get_role(actor, p["RoleName"], action="iam:UpdateAssumeRolePolicy")
    iam.update_assume_role_policy(actor=actor, role=role, document=p["PolicyDocument"])


def tag_role(actor: Actor, p: dict[str, Any]) -> None:
    role = access.get_role(actor, p["RoleName"], action="iam:TagRole")
    iam.tag_role(actor=actor, role=role, tags=tag_pairs(p["Tags"]))


def untag_role(actor: Actor, p: dict[str, Any]) -> None:
    role = access.get_role(actor, p["RoleName"], action="iam:UntagRole")
    iam.untag_role(actor=actor, role=role, keys=p["TagKeys"])


def list_role_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    role = access.get_role(actor, p["RoleName"], action="iam:ListRoleTags")
    return listing.paged_list(p, "Tags", tags_of(role.tags))


def put_role_permissions_boundary(actor: Actor, p: dict[str, Any]) -> None:
    role = role_named(actor, p["RoleName"])
    policy = policy_ops.attachable_policy(actor, p["PermissionsBoundary"])
    policy_ops.put_role_permissions_boundary(actor=actor, role=role, policy=policy)


def delete_role_permissions_boundary(actor: Actor, p: dict[str, Any]) -> None:
    policy_ops.delete_role_permissions_boundary(actor=actor, role=role_named(actor, p["RoleName"]))


# --- the account -----------------------------------------------------------------------


def create_account_alias(actor: Actor, p: dict[str, Any]) -> None:
    iam.create_account_alias(actor=actor, alias=p["AccountAlias"])


def delete_account_alias(actor: Actor, p: dict[str, Any]) -> None:
    if p["AccountAlias"] not in access.list_account_aliases(actor):
        raise NoSuchEntity(f"The account alias {p['AccountAlias']} cannot be found.")
    iam.delete_account_alias(actor=actor)


def list_account_aliases(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    return {"AccountAliases": access.list_account_aliases(actor), "IsTruncated": False}


def get_account_password_policy(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    rules = access.get_account_password_policy(actor)
    if not rules.custom:
        raise NoSuchEntity(
            f"The Password Policy with domain name {actor.account.id} cannot be found."
        )
    return {
        "PasswordPolicy": {
            "MinimumPasswordLength": rules.minimum_length,
            "RequireSymbols": rules.require_symbols,
            "RequireNumbers": rules.require_numbers,
            "RequireUppercaseCharacters": rules.require_uppercase,
            "RequireLowercaseCharacters": rules.require_lowercase,
            "AllowUsersToChangePassword": rules.allow_users_to_change,
            "ExpirePasswords": bool(rules.max_age_days),
            "MaxPasswordAge": rules.max_age_days,
            "PasswordReusePrevention": rules.reuse_prevention,
            "HardExpiry": rules.hard_expiry,
        }
    }


def update_account_password_policy(actor: Actor, p: dict[str, Any]) -> None:
    # AWS's defaults for what the call leaves out.
    rules = Rules(
        custom=True,
        minimum_length=p.get("MinimumPasswordLength", 6),
        require_symbols=p.get("RequireSymbols", False),
        require_numbers=p.get("RequireNumbers", False),
        require_uppercase=p.get("RequireUppercaseCharacters", False),
        require_lowercase=p.get("RequireLowercaseCharacters", False),
        allow_users_to_change=p.get("AllowUsersToChangePassword", False),
        max_age_days=p.get("MaxPasswordAge") or None,
        reuse_prevention=p.get("PasswordReusePrevention") or None,
        hard_expiry=p.get("HardExpiry", False),
    )
    iam.update_account_password_policy(actor=actor, rules=rules)


def delete_account_password_policy(actor: Actor, p: dict[str, Any]) -> None:
    if not access.get_account_password_policy(actor).custom:
        raise NoSuchEntity(f"The account policy with name {actor.account.id} cannot be found.")
    iam.delete_account_password_policy(actor=actor)


def generate_credential_report(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    credential_report.generate_credential_report(actor=actor)
    return {"State": "COMPLETE", "Description": "The credential report is complete."}


def get_credential_report(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    report = access.get_credential_report(actor)
    return {
        "Content": report.content.encode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": report.generated_at,
    }


# --- the simulator ---------------------------------------------------------------------

DECISIONS = {
    "allowed": "allowed",
    "explicitly denied": "explicitDeny",
    "implicitly denied": "implicitDeny",
}


# How the engine names a policy (domain.kernel.attachments, the simulator) -> AWS's
# SourcePolicyId and SourcePolicyType.
_INLINE = re.compile(r"(user|group|role) .+ inline policy (?P<name>.+)")
_MANAGED = re.compile(r"arn:aws:iam::(?P<owner>aws|\d{12}):policy/(?:.*/)?(?P<name>[^/]+)")
_PASTED = re.compile(r"Policy document (?P<number>\d+)")


def policy_source(label: str) -> dict[str, str]:
    if found := _INLINE.fullmatch(label):
        return {"SourcePolicyId": found["name"], "SourcePolicyType": found[1]}
    if found := _MANAGED.fullmatch(label):
        kind = "aws-managed" if found["owner"] == "aws" else "user-managed"
        return {"SourcePolicyId": found["name"], "SourcePolicyType": kind}
    if found := _PASTED.fullmatch(label):
        return {
            "SourcePolicyId": f"PolicyInputList.{found['number']}",
            "SourcePolicyType": "IAM Policy",
        }
    return {"SourcePolicyId": label, "SourcePolicyType": "none"}


def simulation(results: list[simulator.Result]) -> dict[str, Any]:
    rows = []
    for r in results:
        matched = [policy_source(s.policy) for s in r.statements]
        rows.append(
            {
                "EvalActionName": r.action,
                "EvalResourceName": r.resource,
                "EvalDecision": DECISIONS[r.decision],
                "MatchedStatements": matched,
                "MissingContextValues": list(r.missing_context),
            }
        )
    return {"EvaluationResults": rows, "IsTruncated": False}


def context_of(p: dict[str, Any]) -> dict[str, list[str]]:
    return {e["ContextKeyName"]: e.get("ContextKeyValues", []) for e in p.get("ContextEntries", [])}


def simulate_principal_policy(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    arn = p["PolicySourceArn"]
    kind, _, name = arn.split(":", 5)[-1].partition("/")
    name = name.rsplit("/", 1)[-1]
    if kind == "user":
        subject = simulator.for_user(actor, user_named(actor, name))
    elif kind == "group":
        subject = simulator.for_group(actor, group_named(actor, name))
    elif kind == "role":
        subject = simulator.for_role(actor, role_named(actor, name))
    else:
        raise ApiError("InvalidInput", f"Invalid PolicySourceArn: {arn}")
    results = simulator.simulate(
        subject, p["ActionNames"], p.get("ResourceArns") or ["*"], context_of(p)
    )
    return simulation(results)


def simulate_custom_policy(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    subject = simulator.for_documents(actor, p["PolicyInputList"])
    results = simulator.simulate(
        subject, p["ActionNames"], p.get("ResourceArns") or ["*"], context_of(p)
    )
    return simulation(results)


# --- the table -------------------------------------------------------------------------

ACTIONS: dict[str, Handler] = {
    "GetUser": get_user,
    "ListUsers": list_users,
    "CreateUser": create_user,
    "DeleteUser": delete_user,
    "TagUser": tag_user,
    "UntagUser": untag_user,
    "ListUserTags": list_user_tags,
    "UpdateUser": update_user,
    "PutUserPermissionsBoundary": put_user_permissions_boundary,
    "DeleteUserPermissionsBoundary": delete_user_permissions_boundary,
    "CreateAccessKey": create_access_key,
    "ListAccessKeys": list_access_keys,
    "UpdateAccessKey": update_access_key,
    "DeleteAccessKey": delete_access_key,
    "GetAccessKeyLastUsed": get_access_key_last_used,
    "CreateLoginProfile": create_login_profile,
    "GetLoginProfile": get_login_profile,
    "UpdateLoginProfile": update_login_profile,
    "DeleteLoginProfile": delete_login_profile,
    "ChangePassword": change_password,
    "CreateGroup": create_group,
    "GetGroup": get_group,
    "ListGroups": list_groups,
    "UpdateGroup": update_group,
    "DeleteGroup": delete_group,
    "AddUserToGroup": add_user_to_group,
    "RemoveUserFromGroup": remove_user_from_group,
    "ListGroupsForUser": list_groups_for_user,
    "CreatePolicy": create_policy,
    "GetPolicy": get_policy,
    "ListPolicies": list_policies,
    "DeletePolicy": delete_policy,
    "GetPolicyVersion": get_policy_version,
    "CreatePolicyVersion": create_policy_version,
    "ListPolicyVersions": list_policy_versions,
    "ListEntitiesForPolicy": list_entities_for_policy,
    "SetDefaultPolicyVersion": set_default_policy_version,
    "DeletePolicyVersion": delete_policy_version,
    "TagPolicy": tag_policy,
    "UntagPolicy": untag_policy,
    "ListPolicyTags": list_policy_tags,
    "CreateRole": create_role,
    "GetRole": get_role,
    "ListRoles": list_roles,
    "DeleteRole": delete_role,
    "UpdateRole": update_role,
    "UpdateRoleDescription": update_role_description,
    "UpdateAssumeRolePolicy": update_assume_role_policy,
    "TagRole": tag_role,
    "UntagRole": untag_role,
    "ListRoleTags": list_role_tags,
    "PutRolePermissionsBoundary": put_role_permissions_boundary,
    "DeleteRolePermissionsBoundary": delete_role_permissions_boundary,
    "CreateAccountAlias": create_account_alias,
    "DeleteAccountAlias": delete_account_alias,
    "ListAccountAliases": list_account_aliases,
    "GetAccountPasswordPolicy": get_account_password_policy,
    "UpdateAccountPasswordPolicy": update_account_password_policy,
    "DeleteAccountPasswordPolicy": delete_account_password_policy,
    "GenerateCredentialReport": generate_credential_report,
    "GetCredentialReport": get_credential_report,
    "SimulatePrincipalPolicy": simulate_principal_policy,
    "SimulateCustomPolicy": simulate_custom_policy,
}

for _kind in ("User", "Group", "Role"):
    ACTIONS[f"Attach{_kind}Policy"] = attach(_kind)
    ACTIONS[f"Detach{_kind}Policy"] = detach(_kind)
    ACTIONS[f"ListAttached{_kind}Policies"] = list_attached(_kind)
    ACTIONS[f"Put{_kind}Policy"] = put_inline(_kind)
    ACTIONS[f"Get{_kind}Policy"] = get_inline(_kind)
    ACTIONS[f"Delete{_kind}Policy"] = delete_inline(_kind)
    ACTIONS[f"List{_kind}Policies"] = list_inline(_kind)
