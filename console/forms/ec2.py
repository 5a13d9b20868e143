"""EC2's console forms: Launch instance, Modify IAM role, the Instance state menu."""

from __future__ import annotations

from django import forms

from ec2 import catalog

STATE_ACTIONS = [
    ("stop", "Stop instance"),
    ("start", "Start instance"),
    ("reboot", "Reboot instance"),
    ("terminate", "Terminate (delete) instance"),
]
NO_ROLE = ""


class LaunchForm(forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=256)
    tag_key = forms.CharField(label="Key", required=False, max_length=128)
    tag_value = forms.CharField(label="Value", required=False, max_length=256)
    image_id = forms.ChoiceField(
        label="Amazon Machine Image (AMI)",
        choices=[(i.image_id, catalog.IMAGE_TITLES[i.image_id]) for i in catalog.IMAGES],
        initial=catalog.IMAGES[0].image_id,
        widget=forms.RadioSelect,
    )
    instance_type = forms.ChoiceField(
        label="Instance type",
        choices=[
            (
                t.name,
                f"{t.name} ({t.vcpus} vCPU, {t.memory_mib / 1024:g} GiB Memory)"
                + (" Free tier eligible" if t.free_tier else ""),
            )
            for t in catalog.INSTANCE_TYPES
        ],
        initial=catalog.DEFAULT_INSTANCE_TYPE,
    )
    key_name = forms.CharField(label="Key pair name", required=False, max_length=255)
    instance_profile = forms.ChoiceField(label="IAM instance profile", required=False)
    count = forms.IntegerField(label="Number of instances", min_value=1, max_value=20, initial=1)

    def __init__(self, *args: object, profiles: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        field = self.fields["instance_profile"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(NO_ROLE, "Select")] + [(p, p) for p in profiles or []]

    def tags(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        found = [("Name", data["name"])] if data.get("name") else []
        if data.get("tag_key"):
            found.append((data["tag_key"], data.get("tag_value") or ""))
        return found


class ModifyRoleForm(forms.Form):
    instance_profile = forms.ChoiceField(label="IAM role", required=False)

    def __init__(self, *args: object, profiles: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        field = self.fields["instance_profile"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(NO_ROLE, "No IAM Role")] + [(p, p) for p in profiles or []]


class InstanceStateForm(forms.Form):
    action = forms.ChoiceField(choices=STATE_ACTIONS)
    instance_ids = forms.MultipleChoiceField(choices=[], required=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        raw = self.data.getlist("instance_ids") if hasattr(self.data, "getlist") else []
        field = self.fields["instance_ids"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(v, v) for v in raw[:50]]
