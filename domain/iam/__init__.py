"""The operations layer: accounts, users, groups, roles, policies and credentials.

Every change is a function here, named after the AWS action it performs and marked
`@aws_action` (`registry()` lists them): it authorizes the actor, validates, writes inside
one transaction and records an audit event. Readers are marked `@aws_read`. Composite flows
of the console (the Create user wizard, Create group with members, Create role with
policies, Add permissions) decide every call first, then run the same writers' write
halves in one transaction. Views, commands and the API call these and hold no business
logic of their own. This package re-exports the account, user, group, role and credential
operations, so callers may write `from domain import iam` and `iam.create_user(...)` (the
console's views import it as `services`); policies are in `domain.iam.policies`.
"""

from domain.iam import (  # noqa: F401  (fill the registry)
    access,
    identity_providers,
    last_accessed,
    policy_listing,
    user_listing,
)
from domain.iam import policies as _policies  # noqa: F401
from domain.iam.access_keys import (
    NewAccessKey,
    create_access_key,
    delete_access_key,
    delete_inactive_access_key,
    update_access_key,
)
from domain.iam.account import (
    create_account_alias,
    delete_account_alias,
    delete_account_password_policy,
    sign_up,
    update_account_password_policy,
)
from domain.iam.credential_report import generate_credential_report
from domain.iam.groups import (
    add_user_to_group,
    create_group,
    create_group_with_members,
    delete_group,
    delete_group_with_dependents,
    remove_user_from_group,
    update_group,
)
from domain.iam.login_profiles import (
    create_login_profile,
    delete_login_profile,
    update_login_profile,
)
from domain.iam.mfa import (
    create_virtual_mfa_device,
    deactivate_mfa_device,
    delete_virtual_mfa_device,
    enable_mfa_device,
    enable_virtual_mfa_device,
    prepare_virtual_mfa_device,
    remove_mfa_device,
    resync_mfa_device,
    tag_mfa_device,
    untag_mfa_device,
    verify_mfa_code,
)
from domain.iam.roles import (
    account_trust_policy,
    add_role_to_instance_profile,
    create_instance_profile,
    create_role,
    create_role_with_permissions,
    delete_instance_profile,
    delete_role,
    delete_role_with_dependents,
    remove_role_from_instance_profile,
    service_trust_policy,
    tag_instance_profile,
    tag_role,
    untag_instance_profile,
    untag_role,
    update_assume_role_policy,
    update_role,
    update_role_description,
)
from domain.iam.user_creation import NewUser, create_user_with_access
from domain.iam.user_permissions import (
    add_user_to_groups,
    attach_user_policies,
    copy_user_permissions,
)
from domain.iam.users import (
    change_password,
    check_password_meets_policy,
    check_user_name_is_free,
    create_user,
    delete_user,
    delete_user_with_dependents,
    tag_user,
    untag_user,
    update_user,
)
from domain.kernel.registry import Entry, entries


def registry() -> dict[str, Entry]:
    """Every AWS action and read the product performs, by AWS name ("iam:AttachUserPolicy"),
    each with the one function that performs it (the table the AWS API exposes)."""
    return {
        name: e for name, e in entries().items() if e.function.__module__.startswith("domain.iam.")
    }


__all__ = [
    "Entry",
    "NewAccessKey",
    "NewUser",
    "account_trust_policy",
    "add_role_to_instance_profile",
    "add_user_to_group",
    "add_user_to_groups",
    "attach_user_policies",
    "change_password",
    "check_password_meets_policy",
    "check_user_name_is_free",
    "copy_user_permissions",
    "create_access_key",
    "create_account_alias",
    "create_group",
    "create_group_with_members",
    "create_instance_profile",
    "create_login_profile",
    "create_role",
    "create_role_with_permissions",
    "create_user",
    "create_user_with_access",
    "create_virtual_mfa_device",
    "deactivate_mfa_device",
    "delete_virtual_mfa_device",
    "enable_mfa_device",
    "remove_mfa_device",
    "tag_mfa_device",
    "untag_mfa_device",
    "delete_access_key",
    "delete_inactive_access_key",
    "delete_account_alias",
    "delete_account_password_policy",
    "delete_group",
    "delete_group_with_dependents",
    "delete_login_profile",
    "delete_instance_profile",
    "delete_role",
    "delete_role_with_dependents",
    "remove_role_from_instance_profile",
    "tag_instance_profile",
    "untag_instance_profile",
    "delete_user",
    "delete_user_with_dependents",
    "enable_virtual_mfa_device",
    "generate_credential_report",
    "prepare_virtual_mfa_device",
    "registry",
    "remove_user_from_group",
    "resync_mfa_device",
    "service_trust_policy",
    "sign_up",
    "tag_role",
    "tag_user",
    "untag_role",
    "untag_user",
    "update_user",
    "update_access_key",
    "update_account_password_policy",
    "update_assume_role_policy",
    "update_group",
    "update_login_profile",
    "update_role",
    "update_role_description",
    "verify_mfa_code",
]
