"""Every route of the console, as five visitors: a signed-out visitor, the root user, a user
without policies, a user allowed exactly the route's IAM actions, and another account's root.

The table below is keyed by URL name and must name every route Django resolves (a test
fails on a route that is missing, so a new route cannot be forgotten). Each entry says which
IAM actions the route performs (a user without policies is told about the first, in AWS's
words), which reads its page needs as well, and how to build its URL and its form.

Expectations, for each route:
- signed out: a redirect to the sign-in page (public routes: the page itself);
- root: allowed (no denial; a write records its action as allowed in the audit log);
- no policies: AWS's "is not authorized to perform: <action>", and no write (a denied
  click that redirects shows it on the page it lands on, as a message);
- exactly the route's actions (a policy allowing them on "*"): allowed, like root;
- another account's root: a 404 for this account's objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from accounts.models import AuditEvent, Principal
from domain import iam as services
from domain import s3
from domain.classroom import classes, labs, stacks
from domain.iam.policies import put_user_policy
from domain.kernel.actors import Actor, system_actor
from tests.conftest import PASSWORD, make_account
from tests.matrix_world import S3, World, build_world, give_device
from tests.routes import named_routes

DENIED = "is not authorized to perform: "
ARN_S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
ARN_EC2_READ = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"
ARN_CHANGE_PASSWORD = "arn:aws:iam::aws:policy/IAMUserChangePassword"

# A value in `kwargs` or `data` is a literal, or a function of the visit (the world and the
# signed-in principal) for what only exists at run time: key IDs, device IDs, wizard IDs.
Value = Any


@dataclass
class Visit:
    world: World
    me: Principal | None  # None: signed out
    client: Client
    wizard: str = ""  # the create-user wizard a `prepare` step started


@dataclass(frozen=True)
class Door:
    actions: tuple[str, ...] = ()  # IAM actions the route performs; () = any signed-in user
    kwargs: Mapping[str, Value] = field(default_factory=dict)
    data: Mapping[str, Value] | None = None  # a POST with this form, else a GET
    reads: tuple[str, ...] = ()  # what the page also needs, granted with the actions
    public: bool = False  # a sign-in or sign-up page: served to signed-out visitors
    root_only: bool = False  # the root user's own credentials: no policy lets a user in
    prepare: Callable[[Visit], None] | None = None  # earlier steps of a wizard
    audited: bool = True  # an allowed POST records its first action in the audit log
    # What a user without policies is told about when the page reads its object first.
    denial: str = ""

    @property
    def denied_action(self) -> str:
        return self.denial or self.actions[0]

    @property
    def scoped(self) -> bool:
        """An object of the account in the URL: another account's root gets a 404."""
        return any(
            k in self.kwargs
            for k in ("name", "key_id", "device_id", "access_key_id", "instance_id")
        )


def _active(v: Visit) -> str:
    return v.world.active_key


def _inactive(v: Visit) -> str:
    return v.world.inactive_key


def _bob_device(v: Visit) -> int:
    return v.world.bob_device


def _my_device(v: Visit) -> int:
    return v.me.mfa_devices.get().pk if v.me is not None else v.world.root_device


def _instance(v: Visit) -> str:
    return v.world.instance_id


def _root_key(v: Visit) -> str:
    return v.world.root_key


def _wizard(v: Visit) -> str:
    """Starts the create-user wizard in this client's session; its ID names the wizard."""
    location = v.client.get(reverse("user_create"))["Location"]
    return location.rstrip("/").split("/")[-2]


def _user_wizard_to_review(v: Visit) -> None:
    wizard = _wizard(v)
    v.client.post(
        reverse("user_create_step", kwargs={"wizard": wizard, "step": "details"}), {"name": "dora"}
    )
    v.client.post(
        reverse("user_create_step", kwargs={"wizard": wizard, "step": "permissions"}),
        {"option": "groups", "groups": ["Ops"], "next": "1"},
    )
    v.wizard = wizard


def _role_wizard_to_review(v: Visit) -> None:
    location = v.client.get(reverse("role_create"))["Location"]
    wizard = location.rstrip("/").split("/")[-2]
    step = "role_create_step"
    v.client.post(
        reverse(step, args=[wizard, "trust"]), {"trust_type": "service", "service": "ec2"}
    )
    v.client.post(reverse(step, args=[wizard, "permissions"]), {"go": "next"})
    v.wizard = wizard


def _access_key_wizard_to_description(v: Visit) -> None:
    location = v.client.get(reverse("access_key_create", args=["carol"])).get("Location", "")
    v.wizard = location.rstrip("/").split("/")[-2] if location else "none"
    if location:
        v.client.post(location, {"use_case": "cli", "confirm": "on"})


def _start_mfa_wizard(v: Visit, url: str) -> None:
    location = v.client.get(url).get("Location", "")
    v.wizard = location.rstrip("/").split("/")[-2] if location else "none"


def _policy_wizard_to_review(v: Visit) -> None:
    location = v.client.get(reverse("policy_create"))["Location"]
    v.wizard = location.rstrip("/").split("/")[-2]
    v.client.post(location, {"document": S3, "step": "review"})


MATRIX_GROUP = "Resources: {G: {Type: AWS::IAM::Group, Properties: {GroupName: MatrixGroup}}}"


def _matrix_stack(v: Visit) -> None:
    stacks.create_stack(actor=system_actor(v.world.root), name="matrix", template_body=MATRIX_GROUP)


def _matrix_class(v: Visit) -> None:
    lab = labs.shipped_lab("introductory-iam-lab")
    assert lab is not None
    new = classes.create_class(
        actor=system_actor(v.world.root), name="matrix", students=1, template_body=lab.body
    )
    v.wizard = str(new.lab_class.pk)


def _class_id(v: Visit) -> int:
    return int(v.wizard)


BOB = {"name": "bob"}
OPS = {"name": "Ops"}
WEB = {"name": "web"}
MINE = {"scope": "local", "name": "Mine"}
LOCAL_MINE = {"name": "Mine"}
CODES = {"code1": "123456", "code2": "654321"}

ROUTES: dict[str, Door] = {
    # Practice EC2
    "ec2_home": Door(),
    "ec2_instances": Door(("ec2:DescribeInstances",)),
    "ec2_instance": Door(("ec2:DescribeInstances",), kwargs={"instance_id": _instance}),
    "ec2_instance_state": Door(
        ("ec2:StartInstances",), data={"action": "start", "instance_ids": [_instance]}
    ),
    "ec2_launch": Door(
        ("ec2:RunInstances",),
        data={"image_id": "ami-0c02fb55956c7d316", "instance_type": "t2.micro", "count": "1"},
        reads=("iam:ListInstanceProfiles",),
    ),
    "ec2_modify_iam_role": Door(
        ("ec2:DescribeInstances",),
        kwargs={"instance_id": _instance},
        reads=("iam:ListInstanceProfiles",),
    ),
    "ec2_connect": Door(
        ("ec2-instance-connect:SendSSHPublicKey",), kwargs={"instance_id": _instance}
    ),
    # --- signing in and out: served to signed-out visitors ---
    "signin": Door(public=True),
    "signin_root": Door(public=True),
    "signin_user_blank": Door(public=True),
    "signin_user": Door(public=True, kwargs={"account": "matrix-corp"}),
    "signin_mfa": Door(public=True),
    "signin_mfa_device": Door(public=True),
    "signup": Door(public=True),
    "new_password": Door(),
    "signout": Door(data={}, audited=False),
    "list_preferences": Door(kwargs={"list_key": "users"}, data={"column": ["arn"]}, audited=False),
    # --- Switch role (the account menu): the role's trust policy decides, not a route ---
    "switch_role": Door(),
    "switch_back": Door(data={}, audited=False),
    "switch_recent": Door(kwargs={"index": 0}, data={}, audited=False),
    # --- the account ---
    "dashboard": Door(
        ("iam:GetAccountSummary", "iam:ListAccountAliases"), reads=("iam:ListUsers",)
    ),
    "edit_alias": Door(("iam:CreateAccountAlias",), data={"alias": "renamed-corp"}),
    "delete_alias": Door(("iam:DeleteAccountAlias",), data={"alias": "matrix-corp"}),
    "account_settings": Door(("iam:GetAccountPasswordPolicy",)),
    "password_policy_edit": Door(
        ("iam:UpdateAccountPasswordPolicy",),
        data={"mode": "custom", "minimum_length": "12", "confirm": "1"},
        reads=("iam:GetAccountPasswordPolicy",),
    ),
    "credential_report": Door(
        ("iam:GenerateCredentialReport",),
        data={"generate": "1"},
        reads=("iam:GetCredentialReport",),
    ),
    "event_history": Door(("cloudtrail:LookupEvents",)),
    "simulator": Door(
        ("iam:SimulatePrincipalPolicy",),
        data={"run": "1", "entity": "user:bob", "actions": "s3:GetObject", "resources": "*"},
        denial="iam:GetUser",  # the chosen user is read first
        reads=("iam:ListUsers", "iam:ListGroups", "iam:ListRoles", "iam:GetUser"),
        audited=False,
    ),
    # --- users ---
    "user_list": Door(("iam:ListUsers",)),
    "user_delete": Door(
        ("iam:DeleteUser",),
        data={"user": "carol", "confirm": "carol"},
        reads=("iam:GetUser", "iam:ListAccessKeys", "iam:ListGroupsForUser"),
    ),
    "user_create": Door(audited=False),
    "user_create_step": Door(
        ("iam:CreateUser",),
        kwargs={"wizard": lambda v: v.wizard, "step": "review"},
        data={"create": "1"},
        prepare=_user_wizard_to_review,
        # The composite asks for every part first: here, adding the user to group Ops.
        reads=("iam:ListGroups", "iam:ListPolicies", "iam:ListUsers", "iam:AddUserToGroup"),
    ),
    "user_create_retrieve": Door(kwargs={"wizard": _wizard}),
    "user_create_csv": Door(kwargs={"wizard": _wizard}),
    "user_create_cancel": Door(kwargs={"wizard": _wizard}),
    "user_detail": Door(
        ("iam:GetUser",),
        BOB,
        reads=("iam:ListAttachedUserPolicies", "iam:ListGroupsForUser", "iam:ListUserPolicies"),
    ),
    "user_add_permissions": Door(
        ("iam:AttachUserPolicy",),
        BOB,
        data={"option": "policies", "policies": [ARN_EC2_READ], "add": "1"},
        reads=("iam:GetUser", "iam:ListGroups", "iam:ListPolicies", "iam:ListUsers"),
    ),
    "user_detach_policy": Door(
        ("iam:DetachUserPolicy",),
        BOB,
        data={"policy": ARN_CHANGE_PASSWORD},
        reads=("iam:GetUser",),
        denial="iam:GetUser",
    ),
    "user_inline_create": Door(
        ("iam:PutUserPolicy",), BOB, data={"name": "more", "document": S3}, reads=("iam:GetUser",)
    ),
    "user_inline_edit": Door(
        ("iam:PutUserPolicy",),
        {"name": "bob", "policy": "in"},
        data={"name": "in", "document": S3},
        reads=("iam:GetUser", "iam:GetUserPolicy"),
    ),
    "user_inline_delete": Door(
        ("iam:DeleteUserPolicy",),
        {"name": "bob", "policy": "in"},
        data={},
        reads=("iam:GetUser",),
        denial="iam:GetUser",
    ),
    "user_boundary": Door(
        ("iam:PutUserPermissionsBoundary",),
        BOB,
        data={"boundary": ARN_EC2_READ, "set": "1"},
        reads=("iam:GetUser", "iam:ListPolicies"),
    ),
    "user_boundary_delete": Door(
        ("iam:DeleteUserPermissionsBoundary",),
        BOB,
        data={},
        reads=("iam:GetUser",),
        denial="iam:GetUser",
    ),
    # The Groups tab's "Add user to groups" opens Add permissions with its groups option.
    "user_add_groups": Door(
        ("iam:GetUser",),
        {"name": "carol"},
        reads=("iam:ListGroups", "iam:ListPolicies", "iam:ListUsers"),
    ),
    "user_remove_group": Door(
        ("iam:RemoveUserFromGroup",),
        BOB,
        data={"group": "Ops"},
        reads=("iam:GetUser",),
        denial="iam:GetUser",
    ),
    "user_tags": Door(
        ("iam:TagUser",),
        BOB,
        data={"save": "1", "tag_key": "team", "tag_value": "red"},
        reads=("iam:GetUser",),
    ),
    "user_console_access": Door(
        ("iam:DeleteLoginProfile",), BOB, data={"access": "disable"}, reads=("iam:GetUser",)
    ),
    "user_console_password": Door(("iam:GetUser",), BOB),
    "access_key_list": Door(("iam:ListAccessKeys",), BOB),
    "access_key_create": Door(("iam:CreateAccessKey",), {"name": "carol"}, audited=False),
    "access_key_create_step": Door(
        ("iam:CreateAccessKey",),
        {"name": "carol", "wizard": lambda v: v.wizard, "step": "description"},
        data={"create": "1"},
        prepare=_access_key_wizard_to_description,
        reads=("iam:ListAccessKeys",),
    ),
    "access_key_retrieve": Door(("iam:ListAccessKeys",), BOB),
    "access_key_download": Door(("iam:ListAccessKeys",), BOB, data={}, audited=False),
    "access_key_done": Door(("iam:ListAccessKeys",), BOB, data={}, audited=False),
    "access_key_status": Door(
        ("iam:UpdateAccessKey",),
        {"name": "bob", "key_id": _active},
        data={"status": "Inactive"},
        reads=("iam:ListAccessKeys",),
    ),
    "access_key_delete": Door(
        ("iam:DeleteAccessKey",),
        {"name": "bob", "key_id": _inactive},
        data={"confirm": _inactive},
        reads=("iam:ListAccessKeys",),
    ),
    "user_mfa_assign": Door(("iam:ListMFADevices",), BOB, audited=False),
    "user_mfa_assign_step": Door(
        ("iam:CreateVirtualMFADevice",),
        {"name": "bob", "wizard": lambda v: v.wizard, "step": "device"},
        data={"name": "bob-tablet"},
        prepare=lambda v: _start_mfa_wizard(v, reverse("user_mfa_assign", args=["bob"])),
        reads=("iam:ListMFADevices", "iam:EnableMFADevice"),
        audited=False,  # nothing is written until the codes are entered
    ),
    "user_mfa_resync": Door(
        ("iam:ResyncMFADevice",),
        {"name": "bob", "device_id": _bob_device},
        reads=("iam:ListMFADevices",),
    ),
    "user_mfa_remove": Door(
        ("iam:DeactivateMFADevice",),
        {"name": "bob", "device_id": _bob_device},
        reads=("iam:ListMFADevices",),
    ),
    # --- one's own security credentials ---
    "my_security_credentials": Door(("iam:GetUser", "iam:ListAccessKeys", "iam:ListMFADevices")),
    "my_password_change": Door(
        ("iam:ChangePassword",),
        data={
            "old_password": PASSWORD,
            "new_password": "Another-Horse-10",
            "confirm_password": "Another-Horse-10",
        },
    ),
    "my_mfa_assign": Door(audited=False),
    "my_mfa_assign_step": Door(
        ("iam:CreateVirtualMFADevice",),
        {"wizard": lambda v: v.wizard, "step": "device"},
        data={"name": "tablet"},
        prepare=lambda v: _start_mfa_wizard(v, reverse("my_mfa_assign")),
        reads=("iam:EnableMFADevice",),
        audited=False,
    ),
    "my_mfa_resync": Door(
        ("iam:ResyncMFADevice",),
        {"device_id": _my_device},
        reads=("iam:ListMFADevices",),
        denial="iam:ListMFADevices",
    ),
    "my_mfa_remove": Door(
        ("iam:DeactivateMFADevice",),
        {"device_id": _my_device},
        reads=("iam:ListMFADevices",),
        denial="iam:ListMFADevices",
    ),
    "root_access_key_create": Door(
        ("iam:CreateAccessKey",), data={"understand": "1"}, root_only=True
    ),
    "root_access_key_retrieve": Door(root_only=True),
    "root_access_key_download": Door(root_only=True),
    "root_access_key_update": Door(
        ("iam:UpdateAccessKey",),
        {"access_key_id": _root_key},
        data={"operation": "deactivate"},
        root_only=True,
    ),
    # --- groups ---
    "group_list": Door(("iam:ListGroups",)),
    "group_create": Door(
        ("iam:CreateGroup",), data={"name": "New"}, reads=("iam:ListUsers", "iam:ListPolicies")
    ),
    "group_delete": Door(
        ("iam:DeleteGroup",),
        data={"groups": ["Ops"], "confirm": "Ops"},
        # The console empties the group first (members, inline and managed policies).
        reads=(
            "iam:GetGroup",
            "iam:ListGroupPolicies",
            "iam:ListAttachedGroupPolicies",
            "iam:DeleteGroupPolicy",
            "iam:DetachGroupPolicy",
            "iam:RemoveUserFromGroup",
        ),
    ),
    "group_detail": Door(("iam:GetGroup",), OPS),
    "group_edit": Door(
        ("iam:UpdateGroup",), OPS, data={"name": "Renamed"}, reads=("iam:GetGroup",)
    ),
    "group_add_users": Door(
        ("iam:AddUserToGroup",), OPS, data={"picks": ["carol"]}, reads=("iam:GetGroup",)
    ),
    "group_remove_users": Door(
        ("iam:RemoveUserFromGroup",), OPS, data={"picks": ["bob"]}, reads=("iam:GetGroup",)
    ),
    "group_attach_policies": Door(
        ("iam:AttachGroupPolicy",), OPS, data={"picks": [ARN_EC2_READ]}, reads=("iam:GetGroup",)
    ),
    "group_detach_policies": Door(
        ("iam:DetachGroupPolicy",), OPS, data={"picks": [ARN_S3_READ]}, reads=("iam:GetGroup",)
    ),
    "group_inline_create": Door(
        ("iam:PutGroupPolicy",), OPS, data={"name": "more", "document": S3}, reads=("iam:GetGroup",)
    ),
    "group_inline_edit": Door(
        ("iam:PutGroupPolicy",),
        {"name": "Ops", "policy_name": "keep"},
        data={"name": "keep", "document": S3},
        reads=("iam:GetGroup", "iam:GetGroupPolicy"),
    ),
    "group_inline_delete": Door(
        ("iam:DeleteGroupPolicy",),
        {"name": "Ops", "policy_name": "keep"},
        data={},
        reads=("iam:GetGroup",),
    ),
    # --- identity providers, the console's SAML sign-in and Example Corp's pages ---
    "saml_signin": Door(public=True),
    "directory_signin": Door(public=True),
    "directory_saml_metadata": Door(public=True),
    "directory_openid_configuration": Door(public=True),
    "directory_jwks": Door(public=True),
    "directory_token": Door(public=True, data={"person": "alice"}),
    "idp_list": Door(("iam:ListSAMLProviders",), reads=("iam:ListOpenIDConnectProviders",)),
    "idp_create": Door(
        ("iam:CreateOpenIDConnectProvider",),
        data={"provider_type": "oidc", "url": "https://new.example.com", "audience": "app"},
    ),
    "idp_detail": Door(("iam:GetSAMLProvider",), {"kind": "saml", "name": "ExampleCorp"}),
    "idp_action": Door(
        ("iam:TagSAMLProvider",),
        {"kind": "saml", "name": "ExampleCorp"},
        data={"op": "add_tag", "tag_key": "k", "tag_value": "v"},
        reads=("iam:GetSAMLProvider",),
        denial="iam:GetSAMLProvider",
    ),
    "idp_delete": Door(
        ("iam:DeleteOpenIDConnectProvider",),
        {"kind": "oidc", "name": "idp.example.com"},
        data={"confirm": "idp.example.com"},
        reads=("iam:GetOpenIDConnectProvider",),
        denial="iam:GetOpenIDConnectProvider",
    ),
    # --- roles ---
    "role_list": Door(("iam:ListRoles",)),
    "role_delete": Door(
        ("iam:DeleteRole",),
        data={"role": "web", "confirm": "web"},
        reads=("iam:ListRoles", "iam:GetRole", "iam:DeleteRolePolicy", "iam:ListRolePolicies"),
    ),
    # The wizard's first steps open for anyone (as AWS's): CreateRole is asked at review.
    "role_create": Door(audited=False),
    "role_create_step": Door(
        ("iam:CreateRole",),
        kwargs={"wizard": lambda v: v.wizard, "step": "review"},
        data={"name": "EC2-S3"},
        prepare=_role_wizard_to_review,
        # An EC2 role gets its same-named instance profile, as the AWS console does.
        reads=(
            "iam:ListPolicies",
            "iam:CreateInstanceProfile",
            "iam:AddRoleToInstanceProfile",
            "iam:PassRole",
        ),
    ),
    "role_detail": Door(
        ("iam:GetRole",),
        WEB,
        reads=(
            "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
            "iam:ListRolePolicies",
        ),
    ),
    "role_action": Door(
        ("iam:AttachRolePolicy",),
        WEB,
        data={"op": "attach", "policy": "IAMReadOnlyAccess"},
        reads=("iam:GetRole", "iam:ListPolicies"),
    ),
    "role_edit": Door(
        ("iam:UpdateRole",),
        WEB,
        data={"description": "d", "duration": "14400"},
        reads=("iam:GetRole",),
    ),
    "role_trust_edit": Door(
        ("iam:UpdateAssumeRolePolicy",),
        WEB,
        data={"document": services.service_trust_policy("lambda")},
        reads=("iam:GetRole",),
    ),
    "role_inline_policy": Door(
        ("iam:PutRolePolicy",), WEB, data={"name": "logs", "document": S3}, reads=("iam:GetRole",)
    ),
    # --- policies ---
    "policy_list": Door(("iam:ListPolicies",)),
    "policy_create": Door(audited=False),
    "policy_create_step": Door(
        ("iam:CreatePolicy",),
        {"wizard": lambda v: v.wizard, "step": "review"},
        data={"name": "Fresh", "step": "create"},
        prepare=_policy_wizard_to_review,
    ),
    "policy_validate": Door(data={"document": S3}, audited=False),
    "policy_detail": Door(("iam:GetPolicy",), MINE, reads=("iam:GetPolicyVersion",)),
    "policy_attach": Door(
        ("iam:AttachUserPolicy",),
        MINE,
        data={"entity": "user:carol"},
        reads=("iam:GetPolicy", "iam:GetUser", "iam:ListEntitiesForPolicy"),
    ),
    "policy_edit": Door(
        ("iam:CreatePolicyVersion",),
        LOCAL_MINE,
        data={"document": S3},
        reads=("iam:GetPolicy", "iam:GetPolicyVersion"),
    ),
    "policy_delete": Door(
        ("iam:DeletePolicy",),
        LOCAL_MINE,
        data={"confirm": "Mine"},
        # The console deletes the policy's other versions first, as AWS's does.
        reads=("iam:GetPolicy", "iam:GetPolicyVersion", "iam:DeletePolicyVersion"),
    ),
    "policy_tags": Door(
        ("iam:TagPolicy",),
        LOCAL_MINE,
        data={"key": "Team", "value": "x"},
        reads=("iam:GetPolicy",),
    ),
    "policy_version_action": Door(
        ("iam:SetDefaultPolicyVersion",),
        LOCAL_MINE,
        data={"version": "v2"},
        reads=("iam:GetPolicy",),
    ),
    # --- lab templates and classes ---
    "lab_list": Door(("cloudformation:DescribeStacks",)),
    "lab_deploy": Door(
        ("cloudformation:CreateStack",),
        data={"template": MATRIX_GROUP, "stack_name": "m", "deploy": "1"},
        reads=("iam:CreateGroup",),
    ),
    "stack_detail": Door(
        ("cloudformation:DeleteStack",),
        {"name": "matrix"},
        data={"confirm": "matrix"},
        reads=(
            "cloudformation:DescribeStacks",
            "cloudformation:DescribeStackResources",
            "iam:GetGroup",
            "iam:DeleteGroup",
        ),
        prepare=_matrix_stack,
        denial="cloudformation:DescribeStacks",
    ),
    "class_list": Door(("organizations:ListAccounts",)),
    "class_create": Door(
        ("organizations:CreateAccount",),
        data={"name": "m", "students": "1", "lab": "introductory-iam-lab"},
        reads=("cloudformation:CreateStackInstances",),
    ),
    "class_detail": Door(
        ("organizations:ListAccounts",), {"class_id": _class_id}, prepare=_matrix_class
    ),
    "class_roster_csv": Door(kwargs={"class_id": _class_id}, prepare=_matrix_class),
    "class_reset": Door(
        ("cloudformation:UpdateStackInstances",),
        {"class_id": _class_id},
        data={"student": "1"},
        reads=("organizations:ListAccounts",),
        prepare=_matrix_class,
        audited=False,
        denial="organizations:ListAccounts",
    ),
    "class_close": Door(
        ("organizations:CloseAccount",),
        {"class_id": _class_id},
        data={"confirm": "matrix"},
        reads=("organizations:ListAccounts",),
        prepare=_matrix_class,
        denial="organizations:ListAccounts",
    ),
}


# The page reads its object before the write: a user without policies is told about the read.
ROUTES["group_add_users"] = replace(ROUTES["group_add_users"], denial="iam:GetGroup")
ROUTES["group_attach_policies"] = replace(ROUTES["group_attach_policies"], denial="iam:GetGroup")
ROUTES["group_detach_policies"] = replace(ROUTES["group_detach_policies"], denial="iam:GetGroup")
ROUTES["group_edit"] = replace(ROUTES["group_edit"], denial="iam:GetGroup")
ROUTES["group_inline_create"] = replace(ROUTES["group_inline_create"], denial="iam:GetGroup")
ROUTES["group_inline_delete"] = replace(ROUTES["group_inline_delete"], denial="iam:GetGroup")
ROUTES["group_inline_edit"] = replace(ROUTES["group_inline_edit"], denial="iam:GetGroup")
ROUTES["group_remove_users"] = replace(ROUTES["group_remove_users"], denial="iam:GetGroup")
ROUTES["role_action"] = replace(ROUTES["role_action"], denial="iam:GetRole")
ROUTES["role_edit"] = replace(ROUTES["role_edit"], denial="iam:GetRole")
ROUTES["role_inline_policy"] = replace(ROUTES["role_inline_policy"], denial="iam:GetRole")
ROUTES["role_trust_edit"] = replace(ROUTES["role_trust_edit"], denial="iam:GetRole")
ROUTES["policy_attach"] = replace(ROUTES["policy_attach"], denial="iam:GetPolicy")
ROUTES["policy_delete"] = replace(ROUTES["policy_delete"], denial="iam:GetPolicy")
ROUTES["policy_edit"] = replace(ROUTES["policy_edit"], denial="iam:GetPolicy")
ROUTES["policy_tags"] = replace(ROUTES["policy_tags"], denial="iam:GetPolicy")
ROUTES["policy_version_action"] = replace(ROUTES["policy_version_action"], denial="iam:GetPolicy")
ROUTES["user_add_permissions"] = replace(ROUTES["user_add_permissions"], denial="iam:GetUser")
ROUTES["user_boundary"] = replace(ROUTES["user_boundary"], denial="iam:GetUser")
ROUTES["user_console_access"] = replace(ROUTES["user_console_access"], denial="iam:GetUser")
ROUTES["user_inline_create"] = replace(ROUTES["user_inline_create"], denial="iam:GetUser")
ROUTES["user_inline_edit"] = replace(ROUTES["user_inline_edit"], denial="iam:GetUser")
ROUTES["user_tags"] = replace(ROUTES["user_tags"], denial="iam:GetUser")
ROUTES["user_mfa_assign_step"] = replace(
    ROUTES["user_mfa_assign_step"], denial="iam:ListMFADevices"
)
ROUTES["user_mfa_remove"] = replace(ROUTES["user_mfa_remove"], denial="iam:ListMFADevices")
ROUTES["user_mfa_resync"] = replace(ROUTES["user_mfa_resync"], denial="iam:ListMFADevices")


# --- the S3 console (console/views/s3.py): buckets are global, so another account's root is
# refused with S3's AccessDenied rather than a 404 (test_s3_... below) ---
MATRIX_BUCKET = "matrix-bucket"
MATRIX_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111122223333"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{MATRIX_BUCKET}/*",
            }
        ],
    }
)


def _bucket(v: Visit) -> None:
    root = system_actor(v.world.root)
    if not s3.list_buckets(root):
        s3.create_bucket(actor=root, name=MATRIX_BUCKET)


def _bucket_with_object(v: Visit) -> None:
    _bucket(v)
    s3.put_object(
        actor=system_actor(v.world.root), bucket_name=MATRIX_BUCKET, key="a.txt", body=b"a"
    )


def _upload(v: Visit) -> SimpleUploadedFile:
    return SimpleUploadedFile("up.txt", b"uploaded", content_type="text/plain")


IN_BUCKET = {"bucket": MATRIX_BUCKET}
S3_ROUTES: dict[str, Door] = {
    "s3_bucket_list": Door(("s3:ListAllMyBuckets",)),
    "s3_bucket_create": Door(
        ("s3:CreateBucket",), data={"name": "matrix-new-bucket", "region": "us-east-1"}
    ),
    "s3_bucket_detail": Door(("s3:ListBucket",), kwargs=IN_BUCKET, prepare=_bucket),
    "s3_object_upload": Door(
        ("s3:PutObject",), kwargs=IN_BUCKET, data={"file": _upload, "prefix": ""}, prepare=_bucket
    ),
    "s3_folder_create": Door(
        ("s3:PutObject",), kwargs=IN_BUCKET, data={"folder": "new", "prefix": ""}, prepare=_bucket
    ),
    "s3_object_download": Door(
        ("s3:GetObject",), kwargs=IN_BUCKET | {"key": "a.txt"}, prepare=_bucket_with_object
    ),
    "s3_objects_delete": Door(
        ("s3:DeleteObject",),
        kwargs=IN_BUCKET,
        data={"keys": ["a.txt"], "prefix": "", "confirm": "permanently delete"},
        prepare=_bucket_with_object,
    ),
    "s3_bucket_policy": Door(
        ("s3:PutBucketPolicy",), kwargs=IN_BUCKET, data={"policy": MATRIX_POLICY}, prepare=_bucket
    ),
    "s3_bucket_tags": Door(
        ("s3:PutBucketTagging",),
        kwargs=IN_BUCKET,
        data={"tag_key": "team", "tag_value": "blue", "save": "1"},
        prepare=_bucket,
    ),
    "s3_bucket_delete": Door(
        ("s3:DeleteBucket",), kwargs=IN_BUCKET, data={"confirm": MATRIX_BUCKET}, prepare=_bucket
    ),
}
ROUTES.update(S3_ROUTES)


def test_every_route_is_in_the_matrix() -> None:
    routes = set(named_routes())
    assert sorted(routes - set(ROUTES)) == [], "add these routes to ROUTES"
    assert sorted(set(ROUTES) - routes) == [], "these routes no longer exist"


def _value(value: Value, visit: Visit) -> Any:
    if callable(value):
        return value(visit)
    if isinstance(value, list):
        return [_value(v, visit) for v in value]
    return value


def _request(door: Door, name: str, visit: Visit) -> tuple[int, str, str]:
    if door.prepare is not None:
        door.prepare(visit)
    url = reverse(name, kwargs={k: _value(v, visit) for k, v in door.kwargs.items()})
    if door.data is None:
        response = visit.client.get(url)
    else:
        response = visit.client.post(url, {k: _value(v, visit) for k, v in door.data.items()})
    return response.status_code, response.get("Location", ""), response.content.decode()


def _denials(page: str) -> list[str]:
    """The denial sentences on a page, for a failing assertion's message."""
    return re.findall(rf"{DENIED}[\w:*-]+", page)


def _visit(world: World, me: Principal | None) -> Visit:
    client = Client()
    if me is not None:
        client.force_login(me)
        if not me.mfa_devices.exists():
            give_device(me, f"{me.name or 'root'}-{me.pk}-phone")
    return Visit(world, me, client)


def _allowed_writes(world: World, actor: Principal, door: Door) -> int:
    return AuditEvent.objects.filter(
        account=world.account, actor_arn=actor.arn, action=door.actions[:1][0], outcome="allowed"
    ).count()


def _assert_allowed(world: World, me: Principal, door: Door, name: str) -> None:
    visit = _visit(world, me)
    before = _allowed_writes(world, me, door) if door.audited and door.data is not None else 0
    status, location, page = _request(door, name, visit)
    assert status in (200, 302), (status, page[-2000:])
    assert DENIED not in page, _denials(page)
    assert not location.startswith(reverse("signin") + "?next="), location
    if door.audited and door.data is not None and door.actions:
        assert _allowed_writes(world, me, door) == before + 1, f"{door.actions[0]} not written"


@dataclass(frozen=True)
class Cast:
    world: World
    alice: Principal  # a user with a console password and no policies
    outsider: Principal  # another account's root


@pytest.fixture(scope="module")
def _cast(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Cast]:
    """The world is built once for this module, inside a transaction rolled back at its end.
    Each test runs in a savepoint within it (pytest-django's `db`), so what a test writes
    is gone before the next one; building the world per test took most of the module's time.
    The settings are the ones conftest gives every test (fast hashing, no Redis)."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            REDIS_URL="",
        ),
        transaction.atomic(),
    ):
        root = make_account("owner@example.com", "Example Corp").principals.get(
            kind=Principal.Kind.ROOT
        )
        root_actor = system_actor(root)
        alice = services.create_user_with_access(
            actor=root_actor,
            new=services.NewUser(
                name="alice", console_password=PASSWORD, password_reset_required=False
            ),
        )
        outsider = make_account("other@example.com", "Other Corp").principals.get(
            kind=Principal.Kind.ROOT
        )
        yield Cast(build_world(root_actor, PASSWORD), alice, outsider)
        transaction.set_rollback(True)


@pytest.fixture
def world(_cast: Cast, db: None) -> World:
    return _cast.world


@pytest.fixture
def root_actor(world: World) -> Actor:
    return system_actor(world.root)


@pytest.fixture
def alice(_cast: Cast, db: None) -> Principal:
    return _cast.alice


@pytest.fixture
def outsider(_cast: Cast, db: None) -> Principal:
    return _cast.outsider


CASES = sorted(ROUTES)


@pytest.mark.parametrize("name", CASES)
def test_a_signed_out_visitor_is_sent_to_sign_in_except_on_public_pages(
    world: World, name: str
) -> None:
    door = ROUTES[name]
    status, location, _ = _request(door, name, _visit(world, None))
    if door.public:
        assert status == 200 or location.startswith(reverse("signin")), (status, location)
        assert "?next=" not in location
    else:
        assert status == 302 and location.startswith(reverse("signin") + "?next="), (
            status,
            location,
        )


@pytest.mark.parametrize("name", [n for n in CASES if not ROUTES[n].public])
def test_the_root_user_may_use_every_route(world: World, name: str) -> None:
    _assert_allowed(world, world.root, ROUTES[name], name)


@pytest.mark.parametrize(
    "name",
    [n for n in CASES if not ROUTES[n].public],
)
def test_a_user_without_policies_is_told_which_action_is_denied(
    world: World, alice: Principal, name: str
) -> None:
    door = ROUTES[name]
    if not door.actions:
        _assert_allowed(world, alice, door, name)
        return
    visit = _visit(world, alice)
    status, location, page = _request(door, name, visit)
    writes = AuditEvent.objects.filter(
        account=world.account, actor_arn=alice.arn, outcome="allowed"
    )
    assert not writes.exclude(action__startswith="signin:").exists()
    if door.root_only:
        assert status == 302 and location == reverse("my_security_credentials"), (status, page)
        return
    if status == 302 and location:
        # A denied click that redirects shows the denial on the page it lands on (a message).
        landing = visit.client.get(location)
        status, location, page = landing.status_code, location, landing.content.decode()
    assert f"{DENIED}{door.denied_action}" in page, (status, location, page[-2000:])


def _exact_user(root_actor: Actor, door: Door) -> Principal:
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="dave", console_password=PASSWORD, password_reset_required=False),
    )
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": sorted({*door.actions, *door.reads}), "Resource": "*"}
        ],
    }
    put_user_policy(actor=root_actor, user=user, name="exact", document=json.dumps(document))
    return user


@pytest.mark.parametrize(
    "name",
    [n for n in CASES if ROUTES[n].actions and not ROUTES[n].public],
)
def test_a_user_allowed_exactly_the_routes_actions_may_use_it(
    world: World, root_actor: Actor, name: str
) -> None:
    door = ROUTES[name]
    dave = _exact_user(root_actor, door)
    if door.root_only:
        status, location, _ = _request(door, name, _visit(world, dave))
        assert status == 302 and location == reverse("my_security_credentials")
        return
    _assert_allowed(world, dave, door, name)


# One's own credentials (my_..., the root's keys) name the visitor's own objects.
OBJECT_ROUTES = [
    n for n in CASES if ROUTES[n].scoped and not ROUTES[n].root_only and n[:3] != "my_"
]


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_another_accounts_root_gets_a_404_for_this_accounts_objects(
    world: World, outsider: Principal, name: str
) -> None:
    door = ROUTES[name]
    status, _, _ = _request(door, name, _visit(world, outsider))
    assert status == 404
    assert (
        not AuditEvent.objects.filter(account=world.account, outcome="allowed")
        .filter(actor_arn=outsider.arn)
        .exists()
    )


@pytest.mark.parametrize(
    "name", sorted(n for n, door in S3_ROUTES.items() if "bucket" in door.kwargs)
)
def test_another_accounts_root_is_refused_this_accounts_bucket_as_s3_refuses(
    world: World, outsider: Principal, name: str
) -> None:
    door = S3_ROUTES[name]
    status, _, page = _request(door, name, _visit(world, outsider))
    assert status == 403 and "because no resource-based policy allows" in page, (
        status,
        page[-1500:],
    )
    assert (
        not AuditEvent.objects.filter(outcome="allowed", actor_arn=outsider.arn)
        .filter(action__startswith="s3:")
        .exists()
    )
