"""Lab templates and classes: the forms' shapes (the operations check the rules)."""

from __future__ import annotations

from django import forms

from classroom import cfn
from console.forms import ConfirmDeleteForm
from domain.classroom import classes

MAX_TEMPLATE = cfn.MAX_TEMPLATE_BYTES
PARAM_PREFIX = "param-"


class TemplateChoiceMixin(forms.Form):
    """A shipped template by key, or a template pasted or uploaded (YAML or JSON)."""

    lab = forms.ChoiceField(label="Template", required=False)
    template = forms.CharField(
        label="Or your own template (YAML or JSON, CloudFormation's format)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono", "spellcheck": "false"}),
        max_length=MAX_TEMPLATE,
        strip=False,
    )
    template_file = forms.FileField(label="Or upload a template file", required=False)

    def __init__(self, *args: object, labs: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own parameters
        self.fields["lab"].choices = [("", "Choose a template"), *labs]  # type: ignore[attr-defined]  # ChoiceField

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("template_file")
        if upload is not None:
            raw = upload.read(MAX_TEMPLATE + 1)
            if len(raw) > MAX_TEMPLATE:
                self.add_error("template_file", "The template is larger than 51,200 bytes.")
            else:
                try:
                    data["template"] = raw.decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error("template_file", "The template must be UTF-8 text.")
        if not data.get("lab") and not str(data.get("template") or "").strip():
            self.add_error("lab", "Choose a template, or paste or upload your own.")
        return data


class DeployForm(TemplateChoiceMixin):
    stack_name = forms.CharField(label="Stack name", max_length=128)


class ParametersForm(forms.Form):
    """One field per template parameter (NoEcho ones as passwords; empty: generated)."""

    def __init__(self, *args: object, parameters: list[cfn.Parameter], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own parameters
        for spec in parameters:
            hint = spec.description
            if spec.generated:
                hint = f"{hint} Leave empty to generate a password.".strip()
            if spec.allowed_values:
                field: forms.Field = forms.ChoiceField(
                    choices=[(v, v) for v in spec.allowed_values], initial=spec.default
                )
            else:
                field = forms.CharField(
                    max_length=4096,
                    initial=spec.default,
                    widget=forms.PasswordInput(render_value=True) if spec.no_echo else None,
                    strip=False,
                )
            field.required = False
            field.label = spec.name
            field.help_text = hint
            self.fields[f"{PARAM_PREFIX}{spec.name}"] = field

    def values(self) -> dict[str, str]:
        return {
            name.removeprefix(PARAM_PREFIX): str(value)
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class ClassForm(TemplateChoiceMixin):
    name = forms.CharField(label="Class name", max_length=64)
    students = forms.IntegerField(
        label="Number of students", min_value=1, max_value=classes.MAX_STUDENTS, initial=3
    )


class ConfirmForm(ConfirmDeleteForm):
    """Type-to-confirm for deleting a stack or closing a class."""

    mismatch = "Enter {expected} to confirm."
