"""GetAccountSummary and GetAccountAuthorizationDetails over the API (see api.iam_actions
for the pattern)."""

from __future__ import annotations

from typing import Any

from accounts.models import Group, Principal, Role
from api import listing
from api.iam_actions import (
    Handler,
    attached_shape,
    boundary_of,
    document,
    group_shape,
    role_shape,
    tags_of,
    user_shape,
    version_shape,
)
from api.iam_instance_profiles import instance_profile_shape
from domain.iam import access, api_readers, authorization_details
from domain.iam.authorization_details import Detail
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy

# AWS's default quotas, as GetAccountSummary reports them.
SUMMARY_QUOTAS = {
    "UsersQuota": 5000,
    "GroupsQuota": 300,
    "RolesQuota": 1000,
    "PoliciesQuota": 1500,
    "InstanceProfilesQuota": 1000,
    "ServerCertificatesQuota": 20,
    "AccessKeysPerUserQuota": 2,
    "GroupsPerUserQuota": 10,
    "SigningCertificatesPerUserQuota": 2,
    "AttachedPoliciesPerUserQuota": 10,
    "AttachedPoliciesPerGroupQuota": 10,
    "AttachedPoliciesPerRoleQuota": 10,
    "PolicySizeQuota": 6144,
    "PolicyVersionsInUseQuota": 10000,
    "VersionsPerPolicyQuota": 5,
    "UserPolicySizeQuota": 2048,
    "GroupPolicySizeQuota": 5120,
    "RolePolicySizeQuota": 10240,
    "AssumeRolePolicySizeQuota": 2048,
    "GlobalEndpointTokenVersion": 1,
}


def get_account_summary(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    summary = access.get_account_summary(actor)
    counts = api_readers.account_key_counts(actor)
    extras = api_readers.account_summary_extras(actor)
    return {
        "SummaryMap": SUMMARY_QUOTAS
        | counts
        | {
            "Users": summary.users,
            "Groups": summary.groups,
            "Roles": summary.roles,
            "Policies": summary.policies,
            "InstanceProfiles": extras.instance_profiles,
            "MFADevices": extras.mfa_devices,
            "MFADevicesInUse": extras.mfa_devices_in_use,
            "AccountMFAEnabled": int(extras.root_mfa_enabled),
            "AccountPasswordPresent": int(extras.root_password_present),
            "AccountSigningCertificatesPresent": 0,
            "ServerCertificates": 0,
            "Providers": 0,
        }
    }


def _inline(detail: Detail) -> list[dict[str, str]]:
    return [{"PolicyName": p.name, "PolicyDocument": document(p.document)} for p in detail.inline]


def _user(detail: Detail) -> dict[str, Any]:
    user: Principal = detail.entity  # type: ignore[assignment]
    shape = user_shape(user)
    shape.pop("PasswordLastUsed", None)
    return shape | {
        "UserPolicyList": _inline(detail),
        "GroupList": [g.name for g in detail.groups],
        "AttachedManagedPolicies": attached_shape(detail.attached),
        "PermissionsBoundary": boundary_of(user),
        "Tags": tags_of(user.tags),
    }


def _group(detail: Detail) -> dict[str, Any]:
    group: Group = detail.entity  # type: ignore[assignment]
    return group_shape(group) | {
        "GroupPolicyList": _inline(detail),
        "AttachedManagedPolicies": attached_shape(detail.attached),
    }


def _role(detail: Detail) -> dict[str, Any]:
    role: Role = detail.entity  # type: ignore[assignment]
    shape = role_shape(role, detail=True)
    for member in ("Description", "MaxSessionDuration"):
        shape.pop(member, None)  # not members of RoleDetail
    return shape | {
        "InstanceProfileList": [instance_profile_shape(x) for x in detail.instance_profiles],
        "RolePolicyList": _inline(detail),
        "AttachedManagedPolicies": attached_shape(detail.attached),
        "Tags": tags_of(role.tags),
    }


def _policy(detail: Detail) -> dict[str, Any]:
    policy: ManagedPolicy = detail.entity  # type: ignore[assignment]
    default = next((v.version_id for v in detail.versions if v.is_default), None)
    return {
        "PolicyName": policy.name,
        "PolicyId": policy.unique_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": default,
        "AttachmentCount": detail.attachment_count,
        "PermissionsBoundaryUsageCount": detail.boundary_count,
        "IsAttachable": True,
        "Description": policy.description or None,
        "CreateDate": policy.created_at,
        "UpdateDate": policy.updated_at,
        "PolicyVersionList": [version_shape(v, with_document=True) for v in detail.versions],
    }


def get_account_authorization_details(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    entries = authorization_details.get_account_authorization_details(actor, p.get("Filter", []))
    page = listing.page(entries, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    result: dict[str, Any] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
        "IsTruncated": page.is_truncated,
        "Marker": page.marker,
    }
    for detail in authorization_details.describe(actor, page.items):
        entity = detail.entity
        if isinstance(entity, Principal):
            result["UserDetailList"].append(_user(detail))
        elif isinstance(entity, Group):
            result["GroupDetailList"].append(_group(detail))
        elif isinstance(entity, Role):
            result["RoleDetailList"].append(_role(detail))
        else:
            result["Policies"].append(_policy(detail))
    return result


ACTIONS: dict[str, Handler] = {
    "GetAccountSummary": get_account_summary,
    "GetAccountAuthorizationDetails": get_account_authorization_details,
}
