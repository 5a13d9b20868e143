"""IAM's instance profile actions over the API (see api.iam_actions for the pattern). Each
handler is one call of domain.iam.roles."""

from __future__ import annotations

from typing import Any

from accounts.models import InstanceProfile
from api import listing
from api.iam_actions import Handler, role_named, role_shape, tag_pairs, tags_of
from domain.iam import access, roles
from domain.kernel.actors import Actor


def instance_profile_shape(profile: InstanceProfile) -> dict[str, Any]:
    role = profile.role
    return {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.unique_id,
        "Arn": profile.arn,
        "CreateDate": profile.created_at,
        "Roles": [role_shape(role)] if role is not None else [],
        "Tags": tags_of(profile.tags) or None,
    }


def create_instance_profile(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    profile = roles.create_instance_profile(
        actor=actor,
        name=p["InstanceProfileName"],
        path=p.get("Path", "/"),
        tags=tag_pairs(p.get("Tags")),
    )
    return {"InstanceProfile": instance_profile_shape(profile)}


def get_instance_profile(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    profile = roles.get_instance_profile(actor, p["InstanceProfileName"])
    return {"InstanceProfile": instance_profile_shape(profile)}


def list_instance_profiles(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    profiles = roles.list_instance_profiles(actor, path_prefix=p.get("PathPrefix"))
    return listing.paged_list(p, "InstanceProfiles", profiles, instance_profile_shape)


def list_instance_profiles_for_role(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    role = role_named(actor, p["RoleName"])
    profiles = access.list_instance_profiles_for_role(actor, role)
    return listing.paged_list(p, "InstanceProfiles", profiles, instance_profile_shape)


def add_role_to_instance_profile(actor: Actor, p: dict[str, Any]) -> None:
    profile = roles.instance_profile_named(actor, p["InstanceProfileName"])
    role = role_named(actor, p["RoleName"])
    roles.add_role_to_instance_profile(actor=actor, profile=profile, role=role)


def remove_role_from_instance_profile(actor: Actor, p: dict[str, Any]) -> None:
    profile = roles.instance_profile_named(actor, p["InstanceProfileName"])
    role = role_named(actor, p["RoleName"])
    roles.remove_role_from_instance_profile(actor=actor, profile=profile, role=role)


def delete_instance_profile(actor: Actor, p: dict[str, Any]) -> None:
    profile = roles.instance_profile_named(actor, p["InstanceProfileName"])
    roles.delete_instance_profile(actor=actor, profile=profile)


def tag_instance_profile(actor: Actor, p: dict[str, Any]) -> None:
    profile = roles.instance_profile_named(actor, p["InstanceProfileName"])
    roles.tag_instance_profile(actor=actor, profile=profile, tags=tag_pairs(p["Tags"]))


def untag_instance_profile(actor: Actor, p: dict[str, Any]) -> None:
    profile = roles.instance_profile_named(actor, p["InstanceProfileName"])
    roles.untag_instance_profile(actor=actor, profile=profile, keys=p["TagKeys"])


def list_instance_profile_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    profile = roles.instance_profile_named(actor, p["InstanceProfileName"])
    tags = tags_of(roles.list_instance_profile_tags(actor, profile))
    return listing.paged_list(p, "Tags", tags)


ACTIONS: dict[str, Handler] = {
    "CreateInstanceProfile": create_instance_profile,
    "GetInstanceProfile": get_instance_profile,
    "ListInstanceProfiles": list_instance_profiles,
    "ListInstanceProfilesForRole": list_instance_profiles_for_role,
    "AddRoleToInstanceProfile": add_role_to_instance_profile,
    "RemoveRoleFromInstanceProfile": remove_role_from_instance_profile,
    "DeleteInstanceProfile": delete_instance_profile,
    "TagInstanceProfile": tag_instance_profile,
    "UntagInstanceProfile": untag_instance_profile,
    "ListInstanceProfileTags": list_instance_profile_tags,
}
