from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, path

from console.views import (
    access_keys,
    account_settings,
    classroom,
    credential_report,
    dashboard,
    ec2,
    event_history,
    groups,
    identity_providers,
    list_preferences,
    mfa,
    role_wizard,
    roles,
    saml_signin,
    security_credentials,
    signin,
    switch_role,
    user_permissions,
    user_security,
    users,
    wizard,
)

View = Callable[..., HttpResponseBase]


def _under(prefix: str, *routes: tuple[str, View, str]) -> list[URLPattern]:
    """One family of pages: each (route, view, name) is served at `prefix` + route."""
    return [path(prefix + route, view, name=name) for route, view, name in routes]


def _mfa(prefix: str, owner: str) -> list[URLPattern]:
    """The MFA device pages, of one's own credentials (`my_mfa_*`) or of a user
    (`user_mfa_*`): the same views, told apart by the owner in the URL."""
    return _under(
        f"{prefix}mfa/",
        ("assign/", mfa.assign, f"{owner}_mfa_assign"),
        ("assign/<str:wizard>/<str:step>/", mfa.assign_step, f"{owner}_mfa_assign_step"),
        ("<int:device_id>/resync/", mfa.resync, f"{owner}_mfa_resync"),
        ("<int:device_id>/remove/", mfa.remove, f"{owner}_mfa_remove"),
    )


_USER = "users/details/<str:name>/"

urlpatterns = [
    # Practice EC2 (console/views/ec2.py)
    *_under(
        "ec2/",
        ("", ec2.ec2_home, "ec2_home"),
        ("instances/", ec2.instance_list, "ec2_instances"),
        ("instances/state/", ec2.instance_state, "ec2_instance_state"),
        ("instances/launch/", ec2.instance_launch, "ec2_launch"),
        ("instances/<str:instance_id>/", ec2.instance_detail, "ec2_instance"),
        (
            "instances/<str:instance_id>/modify-iam-role/",
            ec2.modify_iam_role,
            "ec2_modify_iam_role",
        ),
        ("instances/<str:instance_id>/connect/", ec2.instance_connect, "ec2_connect"),
    ),
    path("", dashboard.dashboard, name="dashboard"),
    path("account-alias/", dashboard.edit_alias, name="edit_alias"),
    path("account-alias/delete/", dashboard.delete_alias, name="delete_alias"),
    # Sign-in and sign-up
    path("signin/", signin.signin, name="signin"),
    path("saml", saml_signin.saml_signin, name="saml_signin"),
    *_under(
        "signin/",
        ("root/", signin.signin_root, "signin_root"),
        ("iam/", signin.signin_user, "signin_user_blank"),
        ("new-password/", signin.new_password, "new_password"),
        ("mfa/", mfa.signin_mfa, "signin_mfa"),
        ("mfa/device/", mfa.signin_mfa_device, "signin_mfa_device"),
        ("<str:account>/", signin.signin_user, "signin_user"),
    ),
    path("signout/", signin.signout, name="signout"),
    path("signup/", signin.signup, name="signup"),
    # Switch role (the account menu)
    path("switchrole/", switch_role.switch_role, name="switch_role"),
    path("switchrole/back/", switch_role.switch_back, name="switch_back"),
    path("switchrole/recent/<int:index>/", switch_role.switch_recent, name="switch_recent"),
    # List preferences (the tables' gear icon: page size, visible columns)
    path(
        "preferences/<str:list_key>/",
        list_preferences.save_list_preferences,
        name="list_preferences",
    ),
    # Users and access keys (console/views/users.py, wizard.py, access_keys.py)
    path("users/", users.user_list, name="user_list"),
    path("users/delete/", users.delete_users, name="user_delete"),
    *_under(
        "users/create/",
        ("", wizard.wizard_start, "user_create"),
        ("<str:wizard>/retrieve/", wizard.wizard_retrieve, "user_create_retrieve"),
        ("<str:wizard>/credentials.csv", wizard.wizard_csv, "user_create_csv"),
        ("<str:wizard>/cancel/", wizard.wizard_cancel, "user_create_cancel"),
        ("<str:wizard>/<str:step>/", wizard.wizard_step, "user_create_step"),
    ),
    *_under(
        _USER,
        ("", users.user_detail, "user_detail"),
        ("permissions/add/", user_permissions.add_permissions, "user_add_permissions"),
        ("permissions/detach/", user_permissions.detach_policy, "user_detach_policy"),
        ("inline-policies/create/", user_permissions.inline_policy, "user_inline_create"),
        ("inline-policies/<str:policy>/edit/", user_permissions.inline_policy, "user_inline_edit"),
        (
            "inline-policies/<str:policy>/delete/",
            user_permissions.delete_inline_policy,
            "user_inline_delete",
        ),
        ("permissions-boundary/", user_permissions.set_boundary, "user_boundary"),
        ("permissions-boundary/delete/", user_permissions.delete_boundary, "user_boundary_delete"),
        ("groups/add/", user_permissions.add_to_groups, "user_add_groups"),
        ("groups/remove/", user_permissions.remove_from_group, "user_remove_group"),
        ("tags/", user_security.edit_tags, "user_tags"),
        ("console-access/", user_security.console_access, "user_console_access"),
        ("console-access/password/", user_security.console_password, "user_console_password"),
    ),
    *_under(
        f"{_USER}access-keys/",
        ("", access_keys.access_key_list, "access_key_list"),
        ("create/", access_keys.access_key_create, "access_key_create"),
        (
            "create/<str:wizard>/<str:step>/",
            access_keys.access_key_create_step,
            "access_key_create_step",
        ),
        ("retrieve/", access_keys.access_key_retrieve, "access_key_retrieve"),
        ("download/", access_keys.access_key_download, "access_key_download"),
        ("done/", access_keys.access_key_done, "access_key_done"),
        ("<str:key_id>/status/", access_keys.access_key_status, "access_key_status"),
        ("<str:key_id>/delete/", access_keys.access_key_delete, "access_key_delete"),
    ),
    # User groups (console/views/groups.py)
    path("groups/", groups.group_list, name="group_list"),
    path("groups/create/", groups.group_create, name="group_create"),
    path("groups/delete/", groups.group_delete, name="group_delete"),
    *_under(
        "groups/details/<str:name>/",
        ("", groups.group_detail, "group_detail"),
        ("edit/", groups.group_edit, "group_edit"),
        ("users/add/", groups.group_add_users, "group_add_users"),
        ("users/remove/", groups.group_remove_users, "group_remove_users"),
        ("policies/attach/", groups.group_attach_policies, "group_attach_policies"),
        ("policies/detach/", groups.group_detach_policies, "group_detach_policies"),
        ("inline/create/", groups.group_inline_policy, "group_inline_create"),
        ("inline/<str:policy_name>/edit/", groups.group_inline_policy, "group_inline_edit"),
        ("inline/<str:policy_name>/delete/", groups.group_inline_delete, "group_inline_delete"),
    ),
    # Identity providers (console/views/identity_providers.py)
    path("identity-providers/", identity_providers.provider_list, name="idp_list"),
    path("identity-providers/create/", identity_providers.provider_create, name="idp_create"),
    *_under(
        "identity-providers/details/<str:kind>/<path:name>/",
        ("action/", identity_providers.provider_action, "idp_action"),
        ("delete/", identity_providers.provider_delete, "idp_delete"),
        ("", identity_providers.provider_detail, "idp_detail"),
    ),
    # Roles (console/views/roles.py, role_wizard.py)
    path("roles/", roles.role_list, name="role_list"),
    path("roles/delete/", roles.role_delete, name="role_delete"),
    path("roles/create/", role_wizard.create_start, name="role_create"),
    path("roles/create/<str:wizard>/<str:step>/", role_wizard.create_step, name="role_create_step"),
    *_under(
        "roles/details/<str:name>/",
        ("", roles.role_detail, "role_detail"),
        ("action/", roles.role_action, "role_action"),
        ("edit/", roles.role_edit, "role_edit"),
        ("trust/", roles.role_trust_edit, "role_trust_edit"),
        ("inline/", roles.role_inline_policy, "role_inline_policy"),
    ),
    # Account settings, own security credentials, MFA, credential report
    path("account-settings/", account_settings.account_settings, name="account_settings"),
    path(
        "account-settings/password-policy/",
        account_settings.edit_password_policy,
        name="password_policy_edit",
    ),
    *_under(
        "security-credentials/",
        ("", security_credentials.security_credentials, "my_security_credentials"),
        ("password/", security_credentials.change_password, "my_password_change"),
    ),
    *_under(
        "security-credentials/root-access-key/",
        ("", security_credentials.create_root_access_key, "root_access_key_create"),
        ("retrieve/", security_credentials.retrieve_root_access_key, "root_access_key_retrieve"),
        ("rootkey.csv", security_credentials.download_root_access_key, "root_access_key_download"),
        (
            "<str:access_key_id>/",
            security_credentials.update_root_access_key,
            "root_access_key_update",
        ),
    ),
    *_mfa("security-credentials/", "my"),
    *_mfa(_USER, "user"),
    path("credential-report/", credential_report.credential_report, name="credential_report"),
    # Lab templates and classes (console/views/classroom.py)
    path("labs/", classroom.lab_list, name="lab_list"),
    path("labs/deploy/", classroom.lab_deploy, name="lab_deploy"),
    path("labs/stacks/<str:name>/", classroom.stack_detail, name="stack_detail"),
    path("classes/", classroom.class_list, name="class_list"),
    path("classes/create/", classroom.class_create, name="class_create"),
    *_under(
        "classes/<int:class_id>/",
        ("", classroom.class_detail, "class_detail"),
        ("roster.csv", classroom.class_roster_csv, "class_roster_csv"),
        ("reset/", classroom.class_reset, "class_reset"),
        ("close/", classroom.class_close, "class_close"),
    ),
    path("cloudtrail/event-history/", event_history.event_history, name="event_history"),
]
