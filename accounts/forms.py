"""Forms check the shape of input; the services check the rules and raise IamError."""

from __future__ import annotations

from django import forms

from iamconsole.errors import IamError


def add_service_error(form: forms.Form, error: IamError) -> None:
    """Shows a service error beside its field, or above the form when it has none."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


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
    password = forms.CharField(widget=forms.PasswordInput, strip=False, max_length=128)


class UserSignInForm(forms.Form):
    account = forms.CharField(label="Account ID (12 digits) or account alias", max_length=63)
    username = forms.CharField(label="IAM user name", max_length=64)
    password = forms.CharField(widget=forms.PasswordInput, strip=False, max_length=128)


class NewPasswordForm(forms.Form):
    old_password = forms.CharField(
        label="Old password", widget=forms.PasswordInput, strip=False, max_length=128
    )
    new_password = forms.CharField(
        label="New password", widget=forms.PasswordInput, strip=False, max_length=128
    )
    confirm_password = forms.CharField(
        label="Retype new password", widget=forms.PasswordInput, strip=False, max_length=128
    )

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        new, confirm = data.get("new_password"), data.get("confirm_password")
        if new and confirm and new != confirm:
            self.add_error("confirm_password", "The passwords do not match.")
        return data


class SignUpForm(forms.Form):
    email = forms.CharField(label="Root user email address", max_length=254)
    account_name = forms.CharField(label="AWS account name", max_length=50)
    password = forms.CharField(widget=forms.PasswordInput, strip=False, max_length=128)
    confirm_password = forms.CharField(
        label="Confirm password", widget=forms.PasswordInput, strip=False, max_length=128
    )

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("confirm_password"):
            self.add_error("confirm_password", "The passwords do not match.")
        return data


class AccountAliasForm(forms.Form):
    alias = forms.CharField(label="Preferred alias", max_length=63)
