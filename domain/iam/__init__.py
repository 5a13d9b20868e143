"""The operations layer: accounts, users, groups, roles, policies and credentials.

Every change is a function here: it authorizes the actor, validates, writes inside one
transaction and records an audit event. Views, commands and the API call these and
hold no business logic of their own. Each concern has its own module; this package
re-exports the account, user, group, role and credential operations, so callers may write
`from domain import iam` and `iam.create_user(...)` (the console's views import it as
`services`); policies are in `domain.iam.policies`.
"""

from domain.iam.access_keys import (
    NewAccessKey,
    create_access_key,
    delete_access_key,
    update_access_key,
)
from domain.iam.account import delete_account_alias, set_account_alias, set_password_policy, sign_up
from domain.iam.credential_report import generate_credential_report
from domain.iam.groups import (
    add_user_to_group,
    create_group,
    delete_group,
    remove_user_from_group,
    update_group,
)
from domain.iam.login_profiles import (
    create_login_profile,
    delete_login_profile,
    update_login_profile,
)
from domain.iam.mfa import (
    deactivate_mfa_device,
    enable_virtual_mfa_device,
    prepare_virtual_mfa_device,
    resync_mfa_device,
    verify_mfa_code,
)
from domain.iam.roles import (
    account_trust_policy,
    create_role,
    delete_role,
    service_trust_policy,
    tag_role,
    untag_role,
    update_assume_role_policy,
    update_role,
)
from domain.iam.user_creation import NewUser, create_user_from_wizard
from domain.iam.user_permissions import (
    add_user_to_groups,
    attach_user_policies,
    copy_user_permissions,
)
from domain.iam.users import (
    change_own_password,
    check_password_meets_policy,
    check_user_name_is_free,
    create_user,
    delete_user,
    tag_user,
    untag_user,
)

__all__ = [
    "generate_credential_report",
    "NewUser",
    "add_user_to_groups",
    "attach_user_policies",
    "check_password_meets_policy",
    "check_user_name_is_free",
    "copy_user_permissions",
    "create_login_profile",
    "create_user_from_wizard",
    "delete_login_profile",
    "delete_user",
    "tag_user",
    "untag_user",
    "update_login_profile",
    "deactivate_mfa_device",
    "enable_virtual_mfa_device",
    "prepare_virtual_mfa_device",
    "resync_mfa_device",
    "verify_mfa_code",
    "NewAccessKey",
    "create_access_key",
    "delete_access_key",
    "delete_group",
    "remove_user_from_group",
    "update_access_key",
    "update_group",
    "account_trust_policy",
    "create_role",
    "delete_role",
    "service_trust_policy",
    "tag_role",
    "untag_role",
    "update_assume_role_policy",
    "update_role",
    "add_user_to_group",
    "change_own_password",
    "create_group",
    "create_user",
    "delete_account_alias",
    "set_account_alias",
    "set_password_policy",
    "sign_up",
]
