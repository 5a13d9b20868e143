"""Forms of the Identity providers pages (shapes only; domain.iam.identity_providers decides)."""

from __future__ import annotations

from django import forms

MAX_METADATA_BYTES = 10_000_000


class AddProviderForm(forms.Form):
    provider_type = forms.ChoiceField(
        label="Provider type",
        choices=[("saml", "SAML"), ("oidc", "OpenID Connect")],
        initial="saml",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Provider name", required=False, max_length=128)
    metadata = forms.FileField(label="Metadata document", required=False)
    url = forms.CharField(label="Provider URL", required=False, max_length=255)
    audience = forms.CharField(label="Audience", required=False, max_length=255)
    jwks = forms.CharField(
        label="Signing keys (JWKS)",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    tag_key = forms.CharField(label="Key", required=False, max_length=200)
    tag_value = forms.CharField(label="Value - optional", required=False, max_length=300)


class ConfirmDeleteForm(forms.Form):
    confirm = forms.CharField(required=False, max_length=300)


def read_upload(upload: object) -> str | None:
    """An uploaded metadata file's text; None when it is too big or not UTF-8."""
    if upload is None or not hasattr(upload, "read") or not hasattr(upload, "size"):
        return None
    if upload.size > MAX_METADATA_BYTES:
        return None
    try:
        data: bytes = upload.read()
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
