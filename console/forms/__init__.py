"""Forms check the shape of input; the services check the rules and raise IamError."""

from __future__ import annotations

from typing import Any

from django import forms

from domain.kernel.errors import IamError


def add_service_error(form: forms.Form, error: IamError) -> None:
    """Shows a service error beside its field, or above the form when it has none."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def password_field(
    label: str = "Password", *, required: bool = True, render_value: bool = False
) -> forms.CharField:
    """A password box: kept as typed (not stripped), at most 128 characters."""
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=render_value),
    )


class SignInStartForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("root", "Root user"), ("user", "IAM user")],
        initial="root",
        widget=forms.RadioSelect,
    )
    email = forms.CharField(label="Root user email address", required=False, max_length=254)
    account = forms.CharField(
        label="Account ID (12 digits) or account alias", required=False, max_length=63
    )

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        if data.get("kind") == "root" and not data.get("email", "").strip():
            self.add_error("email", "Enter the root user email address.")
        if data.get("kind") == "user" and not data.get("account", "").strip():
            self.add_error("account", "Enter your account ID or account alias.")
        return data


class RootPasswordForm(forms.Form):
    password = password_field()


class UserSignInForm(forms.Form):
    account = forms.CharField(label="Account ID (12 digits) or account alias", max_length=63)
    username = forms.CharField(label="IAM user name", max_length=64)
    password = password_field()


class NewPasswordForm(forms.Form):
    old_password = password_field("Old password")
    new_password = password_field("New password")
    confirm_password = password_field("Retype new password")

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        new, confirm = data.get("new_password"), data.get("confirm_password")
        if new and confirm and new != confirm:
            self.add_error("confirm_password", "The passwords do not match.")
        return data


class SignUpForm(forms.Form):
    email = forms.CharField(label="Root user email address", max_length=254)
    account_name = forms.CharField(label="AWS account name", max_length=50)
    password = password_field()
    confirm_password = password_field("Confirm password")

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("confirm_password"):
            self.add_error("confirm_password", "The passwords do not match.")
        return data


class AccountAliasForm(forms.Form):
    alias = forms.CharField(label="Preferred alias", max_length=63)


# --- user groups and access keys ---------------------------------------------------


class NameListField(forms.Field):
    """Checkbox picks (user names, policy ARNs); the service decides whether they exist."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[str]:
        if not value:
            return []
        items = value if isinstance(value, list | tuple) else [value]
        return [str(item)[:2048] for item in items][:1000]


class GroupNameForm(forms.Form):
    name = forms.CharField(label="User group name", max_length=128, strip=False)


class CreateGroupForm(GroupNameForm):
    members = NameListField(required=False)
    policies = NameListField(required=False)


class PickForm(forms.Form):
    """A list of checked rows: users to add or remove, policies to attach or detach."""

    picks = NameListField(required=True, error_messages={"required": "Select at least one."})


class InlinePolicyForm(forms.Form):
    name = forms.CharField(label="Policy name", max_length=128, strip=False)
    document = forms.CharField(
        label="Policy editor", widget=forms.Textarea(attrs={"spellcheck": "false"}), strip=False
    )


class ConfirmDeleteForm(forms.Form):
    """Type-to-confirm: the field is named `confirm` (templates/ui/confirm_delete.html) and
    must be the name shown (`expected`)."""

    confirm = forms.CharField(max_length=300, required=False)
    mismatch = "Enter {expected} to confirm deletion."

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self) -> str:
        value = str(self.cleaned_data.get("confirm", "")).strip()
        if value != self.expected:
            raise forms.ValidationError(self.mismatch.format(expected=self.expected))
        return value


ACCESS_KEY_USE_CASES = [
    (
        "cli",
        "Command Line Interface (CLI)",
        "You plan to use this access key to enable the AWS CLI to access your AWS account.",
        "Use AWS CloudShell, a browser-based CLI, or the AWS CLI V2 with authentication "
        "through a user in IAM Identity Center.",
    ),
    (
        "local_code",
        "Local code",
        "You plan to use this access key to enable application code in a local development "
        "environment to access your AWS account.",
        "Use an integrated development environment (IDE) that supports the AWS Toolkit, "
        "which authenticates through IAM Identity Center.",
    ),
    (
        "aws_compute",
        "Application running on an AWS compute service",
        "You plan to use this access key to enable application code running on an AWS "
        "compute service like Amazon EC2, Amazon ECS, or AWS Lambda to access your AWS account.",
        "Assign an IAM role to the compute resource (an EC2 instance profile, an ECS task role "
        "or a Lambda execution role): it gets temporary credentials automatically.",
    ),
    (
        "third_party",
        "Third-party service",
        "You plan to use this access key to enable access for a third-party application or "
        "service that monitors or manages your AWS resources.",
        "Use temporary security credentials: create an IAM role that the third party assumes, "
        "with an external ID.",
    ),
    (
        "outside_aws",
        "Application running outside AWS",
        "You plan to use this access key to authenticate workloads running in your data center "
        "or other infrastructure outside of AWS that needs to access your AWS resources.",
        "Use IAM Roles Anywhere to get temporary credentials for workloads outside AWS, or "
        "federate them with an identity provider.",
    ),
    (
        "other",
        "Other",
        "Your use case is not listed here.",
        "Prefer temporary credentials (IAM roles) wherever you can, and rotate long-term "
        "access keys regularly.",
    ),
]


class AccessKeyUseCaseForm(forms.Form):
    use_case = forms.ChoiceField(
        choices=[(key, label) for key, label, _d, _a in ACCESS_KEY_USE_CASES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a use case."},
    )
    confirm = forms.BooleanField(
        label="I understand the above recommendation and want to proceed to create an access key.",
        error_messages={"required": "Confirm that you understand the recommendation."},
    )


class AccessKeyDescriptionForm(forms.Form):
    description = forms.CharField(
        label="Description tag value", max_length=256, required=False, strip=True
    )
