"""Forms of the security pages: MFA devices, the password policy, one's own password.

They check shape only (lengths, integers, matching confirmations); the services decide
the rules and their errors land beside the fields through add_service_error.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from accounts.passwords import Rules
from console.forms import NewPasswordForm, password_field

CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}


class MFADeviceNameForm(forms.Form):
    name = forms.CharField(
        label="Device name",
        max_length=200,
        required=False,
        help_text="Maximum 128 characters. Use alphanumeric and '+ = , . @ - _' characters.",
    )
    device_type = forms.ChoiceField(
        label="MFA device",
        choices=[("authenticator_app", "Authenticator app")],
        initial="authenticator_app",
        widget=forms.RadioSelect,
        required=False,  # the only type offered here
    )


class MFACodesForm(forms.Form):
    code1 = forms.CharField(
        label="MFA code 1", max_length=6, widget=forms.TextInput(attrs=CODE_ATTRS)
    )
    code2 = forms.CharField(
        label="MFA code 2", max_length=6, widget=forms.TextInput(attrs=CODE_ATTRS)
    )


class MFASignInForm(forms.Form):
    code = forms.CharField(
        label="MFA code", max_length=6, widget=forms.TextInput(attrs=CODE_ATTRS | {"autofocus": ""})
    )


class MFADeviceChoiceForm(forms.Form):
    """Which of several devices the sign-in code will come from (AWS asks this first)."""

    device = forms.TypedChoiceField(
        label="MFA device", coerce=int, widget=forms.RadioSelect, empty_value=None
    )

    def __init__(self, *args: Any, devices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.devices = devices
        # self.fields holds per-form copies typed as Field; this one is the TypedChoiceField above.
        cast(forms.TypedChoiceField, self.fields["device"]).choices = [
            (device.pk, device.name) for device in devices
        ]
        errors = self.fields["device"].error_messages
        errors["required"] = errors["invalid_choice"] = "Choose an MFA device."


class ConfirmPasswordForm(forms.Form):
    password = password_field("Your password")


class ChangePasswordForm(NewPasswordForm):
    """One's own password (My security credentials): the sign-in form's checks, AWS's labels."""

    old_password = password_field("Current password")
    confirm_password = password_field("Confirm new password")


class PasswordPolicyForm(forms.Form):
    """AWS's Edit password policy page: IAM default, or Custom with every option."""

    mode = forms.ChoiceField(
        choices=[("default", "IAM default"), ("custom", "Custom")],
        widget=forms.RadioSelect,
        initial="default",
    )
    minimum_length = forms.IntegerField(
        label="Password minimum length", required=False, initial=8, help_text="6-128 characters"
    )
    require_uppercase = forms.BooleanField(
        label="Require at least one uppercase letter from Latin alphabet (A-Z)", required=False
    )
    require_lowercase = forms.BooleanField(
        label="Require at least one lowercase letter from Latin alphabet (a-z)", required=False
    )
    require_numbers = forms.BooleanField(label="Require at least one number", required=False)
    require_symbols = forms.BooleanField(
        label="Require at least one non-alphanumeric character ( ! @ # $ % ^ & * ( ) _ + - = "
        "[ ] { } | ' )",
        required=False,
    )
    expire = forms.BooleanField(label="Turn on password expiration", required=False)
    max_age_days = forms.IntegerField(
        label="Expire passwords in day(s)", required=False, help_text="1-1095 days"
    )
    hard_expiry = forms.BooleanField(
        label="Password expiration requires administrator reset", required=False
    )
    allow_users_to_change = forms.BooleanField(
        label="Allow users to change their own password", required=False
    )
    prevent_reuse = forms.BooleanField(label="Prevent password reuse", required=False)
    reuse_prevention = forms.IntegerField(
        label="Remember password(s)", required=False, help_text="1-24 passwords"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") != "custom":
            return data
        if data.get("minimum_length") is None and "minimum_length" not in self.errors:
            self.add_error("minimum_length", "Enter a minimum length from 6 to 128.")
        expire_days_missing = data.get("expire") and data.get("max_age_days") is None
        if expire_days_missing and "max_age_days" not in self.errors:
            self.add_error("max_age_days", "Enter the number of days from 1 to 1095.")
        reuse_count_missing = data.get("prevent_reuse") and data.get("reuse_prevention") is None
        if reuse_count_missing and "reuse_prevention" not in self.errors:
            self.add_error("reuse_prevention", "Enter how many passwords from 1 to 24.")
        return data

    def rules(self) -> Rules | None:
        """The policy to save: None for the IAM default."""
        data = self.cleaned_data
        if data.get("mode") != "custom":
            return None
        expire = bool(data.get("expire"))
        return Rules(
            custom=True,
            minimum_length=data["minimum_length"],
            require_uppercase=data["require_uppercase"],
            require_lowercase=data["require_lowercase"],
            require_numbers=data["require_numbers"],
            require_symbols=data["require_symbols"],
            allow_users_to_change=data["allow_users_to_change"],
            max_age_days=data["max_age_days"] if expire else None,
            hard_expiry=bool(data["hard_expiry"]) and expire,
            reuse_prevention=data["reuse_prevention"] if data.get("prevent_reuse") else None,
        )

    @classmethod
    def initial_for(cls, rules: Rules) -> dict[str, Any]:
        if not rules.custom:
            return {"mode": "default", "minimum_length": 8}
        return {
            "mode": "custom",
            "minimum_length": rules.minimum_length,
            "require_uppercase": rules.require_uppercase,
            "require_lowercase": rules.require_lowercase,
            "require_numbers": rules.require_numbers,
            "require_symbols": rules.require_symbols,
            "expire": rules.max_age_days is not None,
            "max_age_days": rules.max_age_days,
            "hard_expiry": rules.hard_expiry,
            "allow_users_to_change": rules.allow_users_to_change,
            "prevent_reuse": rules.reuse_prevention is not None,
            "reuse_prevention": rules.reuse_prevention,
        }
