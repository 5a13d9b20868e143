"""Forms of the role pages and the create-role wizard (shapes only; services decide)."""

from __future__ import annotations

from django import forms

SESSION_PRESETS = [
    ("3600", "1 hour"),
    ("7200", "2 hours"),
    ("14400", "4 hours"),
    ("28800", "8 hours"),
    ("43200", "12 hours"),
    ("custom", "Custom duration"),
]


class TrustedEntityForm(forms.Form):
    """Step 1: Select trusted entity."""

    trust_type = forms.ChoiceField(
        label="Trusted entity type",
        choices=[
            ("service", "AWS service"),
            ("account", "AWS account"),
            ("web_identity", "Web identity"),
            ("saml", "SAML 2.0 federation"),
            ("custom", "Custom trust policy"),
        ],
        initial="service",
        widget=forms.RadioSelect,
    )
    service = forms.ChoiceField(
        label="Use case",
        required=False,
        choices=[("ec2", "EC2"), ("lambda", "Lambda")],
        initial="ec2",
        widget=forms.RadioSelect,
    )
    account_choice = forms.ChoiceField(
        label="An AWS account",
        required=False,
        choices=[("this", "This account"), ("another", "Another AWS account")],
        initial="this",
        widget=forms.RadioSelect,
    )
    account_id = forms.CharField(label="Account ID", required=False, max_length=12)
    require_external_id = forms.BooleanField(label="Require external ID", required=False)
    external_id = forms.CharField(label="External ID", required=False, max_length=1224)
    require_mfa = forms.BooleanField(label="Require MFA", required=False)
    oidc_provider = forms.CharField(label="Identity provider", required=False, max_length=2048)
    audience = forms.CharField(label="Audience", required=False, max_length=255)
    saml_provider = forms.CharField(
        label="SAML 2.0-based provider", required=False, max_length=2048
    )
    saml_access = forms.ChoiceField(
        label="Access to be allowed",
        required=False,
        choices=[
            ("programmatic", "Allow programmatic access only"),
            ("console", "Allow programmatic and AWS Management Console access"),
        ],
        initial="console",
        widget=forms.RadioSelect,
    )
    saml_attribute = forms.CharField(label="Attribute", required=False, max_length=64)
    saml_value = forms.CharField(label="Value", required=False, max_length=1024)
    document = forms.CharField(
        label="Custom trust policy",
        required=False,
        strip=False,
        max_length=131072,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )


class RoleDetailsForm(forms.Form):
    """Step 3: Name, review, and create."""

    name = forms.CharField(label="Role name", max_length=200)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tag_key = forms.CharField(label="Key", required=False, max_length=200)
    tag_value = forms.CharField(label="Value - optional", required=False, max_length=300)


class EditRoleForm(forms.Form):
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration = forms.ChoiceField(label="Maximum session duration", choices=SESSION_PRESETS)
    custom_seconds = forms.IntegerField(label="Duration (seconds)", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("duration") == "custom":
            if data.get("custom_seconds") is None:
                self.add_error("custom_seconds", "Enter a duration in seconds (3600 to 43200).")
            data["seconds"] = data.get("custom_seconds")
        elif data.get("duration"):
            data["seconds"] = int(str(data["duration"]))
        return data


class TrustPolicyForm(forms.Form):
    document = forms.CharField(
        label="Trust policy", strip=False, max_length=131072, widget=forms.Textarea()
    )


class InlinePolicyForm(forms.Form):
    name = forms.CharField(label="Policy name", max_length=200)
    document = forms.CharField(
        label="Policy editor", strip=False, max_length=131072, widget=forms.Textarea()
    )


class TagForm(forms.Form):
    key = forms.CharField(label="Key", max_length=200)
    value = forms.CharField(label="Value - optional", required=False, max_length=300)
