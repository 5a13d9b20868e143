from django.urls import path

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

urlpatterns = [
    # Practice EC2 (console/views/ec2.py)
    path("ec2/", ec2.ec2_home, name="ec2_home"),
    path("ec2/instances/", ec2.instance_list, name="ec2_instances"),
    path("ec2/instances/state/", ec2.instance_state, name="ec2_instance_state"),
    path("ec2/instances/launch/", ec2.instance_launch, name="ec2_launch"),
    path("ec2/instances/<str:instance_id>/", ec2.instance_detail, name="ec2_instance"),
    path(
        "ec2/instances/<str:instance_id>/modify-iam-role/",
        ec2.modify_iam_role,
        name="ec2_modify_iam_role",
    ),
    path("ec2/instances/<str:instance_id>/connect/", ec2.instance_connect, name="ec2_connect"),
    path("", dashboard.dashboard, name="dashboard"),
    path("account-alias/", dashboard.edit_alias, name="edit_alias"),
    path("account-alias/delete/", dashboard.delete_alias, name="delete_alias"),
    # Sign-in and sign-up
    path("signin/", signin.signin, name="signin"),
    path("saml", saml_signin.saml_signin, name="saml_signin"),
    path("signin/root/", signin.signin_root, name="signin_root"),
    path("signin/iam/", signin.signin_user, name="signin_user_blank"),
    path("signin/new-password/", signin.new_password, name="new_password"),
    path("signin/mfa/", mfa.signin_mfa, name="signin_mfa"),
    path("signin/mfa/device/", mfa.signin_mfa_device, name="signin_mfa_device"),
    path("signin/<str:account>/", signin.signin_user, name="signin_user"),
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
    path("users/create/", wizard.wizard_start, name="user_create"),
    path(
        "users/create/<str:wizard>/retrieve/", wizard.wizard_retrieve, name="user_create_retrieve"
    ),
    path("users/create/<str:wizard>/credentials.csv", wizard.wizard_csv, name="user_create_csv"),
    path("users/create/<str:wizard>/cancel/", wizard.wizard_cancel, name="user_create_cancel"),
    path("users/create/<str:wizard>/<str:step>/", wizard.wizard_step, name="user_create_step"),
    path("users/details/<str:name>/", users.user_detail, name="user_detail"),
    path(
        "users/details/<str:name>/permissions/add/",
        user_permissions.add_permissions,
        name="user_add_permissions",
    ),
    path(
        "users/details/<str:name>/permissions/detach/",
        user_permissions.detach_policy,
        name="user_detach_policy",
    ),
    path(
        "users/details/<str:name>/inline-policies/create/",
        user_permissions.inline_policy,
        name="user_inline_create",
    ),
    path(
        "users/details/<str:name>/inline-policies/<str:policy>/edit/",
        user_permissions.inline_policy,
        name="user_inline_edit",
    ),
    path(
        "users/details/<str:name>/inline-policies/<str:policy>/delete/",
        user_permissions.delete_inline_policy,
        name="user_inline_delete",
    ),
    path(
        "users/details/<str:name>/permissions-boundary/",
        user_permissions.set_boundary,
        name="user_boundary",
    ),
    path(
        "users/details/<str:name>/permissions-boundary/delete/",
        user_permissions.delete_boundary,
        name="user_boundary_delete",
    ),
    path(
        "users/details/<str:name>/groups/add/",
        user_permissions.add_to_groups,
        name="user_add_groups",
    ),
    path(
        "users/details/<str:name>/groups/remove/",
        user_permissions.remove_from_group,
        name="user_remove_group",
    ),
    path("users/details/<str:name>/tags/", user_security.edit_tags, name="user_tags"),
    path(
        "users/details/<str:name>/console-access/",
        user_security.console_access,
        name="user_console_access",
    ),
    path(
        "users/details/<str:name>/console-access/password/",
        user_security.console_password,
        name="user_console_password",
    ),
    path(
        "users/details/<str:name>/access-keys/", access_keys.access_key_list, name="access_key_list"
    ),
    path(
        "users/details/<str:name>/access-keys/create/",
        access_keys.access_key_create,
        name="access_key_create",
    ),
    path(
        "users/details/<str:name>/access-keys/create/<str:wizard>/<str:step>/",
        access_keys.access_key_create_step,
        name="access_key_create_step",
    ),
    path(
        "users/details/<str:name>/access-keys/retrieve/",
        access_keys.access_key_retrieve,
        name="access_key_retrieve",
    ),
    path(
        "users/details/<str:name>/access-keys/download/",
        access_keys.access_key_download,
        name="access_key_download",
    ),
    path(
        "users/details/<str:name>/access-keys/done/",
        access_keys.access_key_done,
        name="access_key_done",
    ),
    path(
        "users/details/<str:name>/access-keys/<str:key_id>/status/",
        access_keys.access_key_status,
        name="access_key_status",
    ),
    path(
        "users/details/<str:name>/access-keys/<str:key_id>/delete/",
        access_keys.access_key_delete,
        name="access_key_delete",
    ),
    # User groups (console/views/groups.py)
    path("groups/", groups.group_list, name="group_list"),
    path("groups/create/", groups.group_create, name="group_create"),
    path("groups/delete/", groups.group_delete, name="group_delete"),
    path("groups/details/<str:name>/", groups.group_detail, name="group_detail"),
    path("groups/details/<str:name>/edit/", groups.group_edit, name="group_edit"),
    path("groups/details/<str:name>/users/add/", groups.group_add_users, name="group_add_users"),
    path(
        "groups/details/<str:name>/users/remove/",
        groups.group_remove_users,
        name="group_remove_users",
    ),
    path(
        "groups/details/<str:name>/policies/attach/",
        groups.group_attach_policies,
        name="group_attach_policies",
    ),
    path(
        "groups/details/<str:name>/policies/detach/",
        groups.group_detach_policies,
        name="group_detach_policies",
    ),
    path(
        "groups/details/<str:name>/inline/create/",
        groups.group_inline_policy,
        name="group_inline_create",
    ),
    path(
        "groups/details/<str:name>/inline/<str:policy_name>/edit/",
        groups.group_inline_policy,
        name="group_inline_edit",
    ),
    path(
        "groups/details/<str:name>/inline/<str:policy_name>/delete/",
        groups.group_inline_delete,
        name="group_inline_delete",
    ),
    # Roles (console/views/roles.py)
    path("identity-providers/", identity_providers.provider_list, name="idp_list"),
    path("identity-providers/create/", identity_providers.provider_create, name="idp_create"),
    path(
        "identity-providers/details/<str:kind>/<path:name>/action/",
        identity_providers.provider_action,
        name="idp_action",
    ),
    path(
        "identity-providers/details/<str:kind>/<path:name>/delete/",
        identity_providers.provider_delete,
        name="idp_delete",
    ),
    path(
        "identity-providers/details/<str:kind>/<path:name>/",
        identity_providers.provider_detail,
        name="idp_detail",
    ),
    path("roles/", roles.role_list, name="role_list"),
    path("roles/delete/", roles.role_delete, name="role_delete"),
    path("roles/create/", role_wizard.create_start, name="role_create"),
    path("roles/create/<str:wizard>/<str:step>/", role_wizard.create_step, name="role_create_step"),
    path("roles/details/<str:name>/", roles.role_detail, name="role_detail"),
    path("roles/details/<str:name>/action/", roles.role_action, name="role_action"),
    path("roles/details/<str:name>/edit/", roles.role_edit, name="role_edit"),
    path("roles/details/<str:name>/trust/", roles.role_trust_edit, name="role_trust_edit"),
    path("roles/details/<str:name>/inline/", roles.role_inline_policy, name="role_inline_policy"),
    # Account settings, own security credentials, MFA, credential report
    path("account-settings/", account_settings.account_settings, name="account_settings"),
    path(
        "account-settings/password-policy/",
        account_settings.edit_password_policy,
        name="password_policy_edit",
    ),
    path(
        "security-credentials/",
        security_credentials.security_credentials,
        name="my_security_credentials",
    ),
    path(
        "security-credentials/password/",
        security_credentials.change_password,
        name="my_password_change",
    ),
    path(
        "security-credentials/root-access-key/",
        security_credentials.create_root_access_key,
        name="root_access_key_create",
    ),
    path(
        "security-credentials/root-access-key/retrieve/",
        security_credentials.retrieve_root_access_key,
        name="root_access_key_retrieve",
    ),
    path(
        "security-credentials/root-access-key/rootkey.csv",
        security_credentials.download_root_access_key,
        name="root_access_key_download",
    ),
    path(
        "security-credentials/root-access-key/<str:access_key_id>/",
        security_credentials.update_root_access_key,
        name="root_access_key_update",
    ),
    path("security-credentials/mfa/assign/", mfa.assign, name="my_mfa_assign"),
    path(
        "security-credentials/mfa/assign/<str:wizard>/<str:step>/",
        mfa.assign_step,
        name="my_mfa_assign_step",
    ),
    path("security-credentials/mfa/<int:device_id>/resync/", mfa.resync, name="my_mfa_resync"),
    path("security-credentials/mfa/<int:device_id>/remove/", mfa.remove, name="my_mfa_remove"),
    path("users/details/<str:name>/mfa/assign/", mfa.assign, name="user_mfa_assign"),
    path(
        "users/details/<str:name>/mfa/assign/<str:wizard>/<str:step>/",
        mfa.assign_step,
        name="user_mfa_assign_step",
    ),
    path(
        "users/details/<str:name>/mfa/<int:device_id>/resync/", mfa.resync, name="user_mfa_resync"
    ),
    path(
        "users/details/<str:name>/mfa/<int:device_id>/remove/", mfa.remove, name="user_mfa_remove"
    ),
    path("credential-report/", credential_report.credential_report, name="credential_report"),
    # Lab templates and classes (console/views/classroom.py)
    path("labs/", classroom.lab_list, name="lab_list"),
    path("labs/deploy/", classroom.lab_deploy, name="lab_deploy"),
    path("labs/stacks/<str:name>/", classroom.stack_detail, name="stack_detail"),
    path("classes/", classroom.class_list, name="class_list"),
    path("classes/create/", classroom.class_create, name="class_create"),
    path("classes/<int:class_id>/", classroom.class_detail, name="class_detail"),
    path("classes/<int:class_id>/roster.csv", classroom.class_roster_csv, name="class_roster_csv"),
    path("classes/<int:class_id>/reset/", classroom.class_reset, name="class_reset"),
    path("classes/<int:class_id>/close/", classroom.class_close, name="class_close"),
    path("cloudtrail/event-history/", event_history.event_history, name="event_history"),
]
