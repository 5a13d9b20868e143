"""The demo's MFA lesson: AWS's "manage your own credentials, but only with MFA" policy.

The document is AWS's documented example ("AWS: Allows MFA-authenticated IAM users to
manage their own credentials on the Security credentials page"): users may manage their
own password, keys and MFA device, and everything except enrolling a device is denied
while the session was not signed in with MFA (BoolIfExists aws:MultiFactorAuthPresent).
"""

from __future__ import annotations

import json

from accounts.models import Principal
from domain import iam as services
from domain.iam.policies import attach_group_policy, create_policy
from domain.kernel.actors import Actor

FORCE_MFA_POLICY_NAME = "Force_MFA"
MFA_GROUP_NAME = "MFARequired"
MFA_GROUP_MEMBERS = ["James"]

_OWN_USER = "arn:aws:iam::*:user/${aws:username}"

FORCE_MFA_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowViewAccountInfo",
                "Effect": "Allow",
                "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
                "Resource": "*",
            },
            {
                "Sid": "AllowManageOwnPasswords",
                "Effect": "Allow",
                "Action": ["iam:ChangePassword", "iam:GetUser"],
                "Resource": _OWN_USER,
            },
            {
                "Sid": "AllowManageOwnAccessKeys",
                "Effect": "Allow",
                "Action": [
                    "iam:CreateAccessKey",
                    "iam:DeleteAccessKey",
                    "iam:ListAccessKeys",
                    "iam:UpdateAccessKey",
                    "iam:GetAccessKeyLastUsed",
                ],
                "Resource": _OWN_USER,
            },
            {
                "Sid": "AllowManageOwnVirtualMFADevice",
                "Effect": "Allow",
                "Action": ["iam:CreateVirtualMFADevice"],
                "Resource": "arn:aws:iam::*:mfa/*",
            },
            {
                "Sid": "AllowManageOwnUserMFA",
                "Effect": "Allow",
                "Action": [
                    "iam:DeactivateMFADevice",
                    "iam:EnableMFADevice",
                    "iam:ListMFADevices",
                    "iam:ResyncMFADevice",
                ],
                "Resource": _OWN_USER,
            },
            {
                "Sid": "DenyAllExceptListedIfNoMFA",
                "Effect": "Deny",
                # AWS's note on this example: adding iam:ChangePassword and
                # iam:GetAccountPasswordPolicy lets a new user pass the forced password
                # reset at first sign-in, as every demo user must.
                "NotAction": [
                    "iam:ChangePassword",
                    "iam:CreateVirtualMFADevice",
                    "iam:EnableMFADevice",
                    "iam:GetAccountPasswordPolicy",
                    "iam:GetUser",
                    "iam:ListMFADevices",
                    "iam:ListVirtualMFADevices",
                    "iam:ResyncMFADevice",
                    "sts:GetSessionToken",
                ],
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            },
        ],
    },
    indent=4,
)


def load(actor: Actor, users: dict[str, Principal]) -> None:
    """Creates Force_MFA, attaches it to the MFARequired group and puts James in it."""
    policy = create_policy(
        actor=actor,
        name=FORCE_MFA_POLICY_NAME,
        document=FORCE_MFA_POLICY,
        description="Allows users to manage their own credentials, and only that until they "
        "sign in with MFA.",
    )
    group = services.create_group(actor=actor, name=MFA_GROUP_NAME)
    for name in MFA_GROUP_MEMBERS:
        services.add_user_to_group(actor=actor, group=group, user=users[name])
    attach_group_policy(actor=actor, group=group, policy=policy)
