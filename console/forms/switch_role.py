"""The Switch role page's form (shapes only: the trust policy decides)."""

from __future__ import annotations

from django import forms

from domain.iam.sts import SWITCH_ROLE_COLORS


class SwitchRoleForm(forms.Form):
    account = forms.CharField(label="Account ID or alias", max_length=63)
    role_name = forms.CharField(label="IAM role name", max_length=64)
    display_name = forms.CharField(label="Display name - optional", max_length=64, required=False)
    color = forms.ChoiceField(
        label="Display color - optional",
        choices=[("", "None"), *SWITCH_ROLE_COLORS.items()],
        required=False,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        account = str(data.get("account") or "").strip()
        role = str(data.get("role_name") or "").strip()
        if not data.get("display_name") and account and role:
            # AWS's default display name.
            data["display_name"] = f"{role} @ {account}"[:64]
        return data
