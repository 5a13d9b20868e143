"""Forms of the policy pages, the policy editor and the simulator: shapes only; the
services and the engine decide the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms

DOCUMENT_TEMPLATE = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Statement1",
            "Effect": "Allow",
            "Action": [],
            "Resource": []
        }
    ]
}"""

CONDITION_OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "ArnEquals",
    "ArnLike",
    "ArnNotLike",
    "Bool",
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThan",
    "DateLessThan",
    "DateGreaterThan",
    "IpAddress",
    "NotIpAddress",
    "Null",
]
# Documents arrive as text; the API's own ceiling, so nothing huge reaches the validator.
MAX_DOCUMENT = 131072


class DocumentForm(forms.Form):
    document = forms.CharField(
        label="Policy editor",
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false", "class": "code-editor"}),
        strip=False,
        max_length=MAX_DOCUMENT,
    )


class ReviewPolicyForm(DocumentForm):
    name = forms.CharField(label="Policy name", max_length=200, strip=True)
    description = forms.CharField(
        label="Description - optional",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].widget = forms.HiddenInput()


class VisualStatementForm(forms.Form):
    """One statement from the visual editor: service, actions, resources, a condition."""

    effect = forms.ChoiceField(
        choices=[("Allow", "Allow"), ("Deny", "Deny")],
        initial="Allow",
        widget=forms.RadioSelect,
    )
    service = forms.CharField(max_length=64)
    actions = forms.MultipleChoiceField(required=False, choices=[])
    all_actions = forms.BooleanField(required=False)
    resource_scope = forms.ChoiceField(
        choices=[("all", "All resources"), ("specific", "Specific")],
        initial="all",
        widget=forms.RadioSelect,
    )
    resources = forms.CharField(
        label="Resource ARNs (one per line)",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    condition_key = forms.CharField(label="Condition key", required=False, max_length=256)
    condition_operator = forms.ChoiceField(
        label="Qualifier and operator",
        required=False,
        choices=[("", "—")] + [(op, op) for op in CONDITION_OPERATORS],
    )
    condition_value = forms.CharField(label="Value", required=False, max_length=1024)

    def __init__(self, *args: Any, action_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds per-form copies typed as Field; this one is the choice field above.
        cast(forms.MultipleChoiceField, self.fields["actions"]).choices = [
            (a, a) for a in action_names
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("all_actions") and not data.get("actions"):
            self.add_error("actions", "Choose at least one action.")
        if data.get("resource_scope") == "specific" and not str(data.get("resources", "")).strip():
            self.add_error("resources", "Add at least one resource ARN, or choose All resources.")
        key, operator = data.get("condition_key"), data.get("condition_operator")
        if bool(key) != bool(operator):
            self.add_error("condition_key", "A condition needs a key and an operator.")
        return data


class ConfirmForm(forms.Form):
    """Type-to-confirm for deletions: `confirm` must equal the name shown."""

    confirm = forms.CharField(required=False, max_length=200)


class AttachEntityForm(forms.Form):
    entity = forms.CharField(label="Entity", max_length=200)


class SimulatorForm(forms.Form):
    entity = forms.CharField(label="Users, groups and roles", max_length=200)
    actions = forms.CharField(
        label="Actions",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "s3:GetObject"}),
    )
    resources = forms.CharField(
        label="Resource ARNs",
        required=False,
        initial="*",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
