from django.urls import path, re_path

from console.views import editor, policies, simulator

# Policy URLs are keyed by scope and name: AWS managed names are unique across AWS's
# policies, customer managed names within the account (policy name characters only).
_NAME = r"(?P<name>[\w+=,.@-]{1,128})"

urlpatterns = [
    # Policies (console/views/policies.py, editor.py) and the policy simulator (simulator.py)
    path("policies/", policies.policy_list, name="policy_list"),
    path("policies/create/", editor.policy_create, name="policy_create"),
    path(
        "policies/create/<str:wizard>/<str:step>/",
        editor.policy_create_step,
        name="policy_create_step",
    ),
    path("policies/validate/", editor.validate_document, name="policy_validate"),
    re_path(
        rf"^policies/(?P<scope>aws|local)/{_NAME}/$", policies.policy_detail, name="policy_detail"
    ),
    re_path(
        rf"^policies/(?P<scope>aws|local)/{_NAME}/attach/$",
        policies.policy_attach,
        name="policy_attach",
    ),
    re_path(rf"^policies/local/{_NAME}/edit/$", editor.policy_edit, name="policy_edit"),
    re_path(rf"^policies/local/{_NAME}/delete/$", policies.policy_delete, name="policy_delete"),
    re_path(rf"^policies/local/{_NAME}/tags/$", policies.policy_tag_action, name="policy_tags"),
    re_path(
        rf"^policies/local/{_NAME}/versions/$",
        policies.policy_version_action,
        name="policy_version_action",
    ),
    path("simulator/", simulator.simulator_page, name="simulator"),
]
