"""The S3 console's forms: Create bucket, the bucket policy editor, Create folder, upload."""

from __future__ import annotations

from django import forms

REGIONS = [
    ("us-east-1", "US East (N. Virginia) us-east-1"),
    ("us-east-2", "US East (Ohio) us-east-2"),
    ("us-west-2", "US West (Oregon) us-west-2"),
    ("eu-west-1", "Europe (Ireland) eu-west-1"),
    ("eu-central-1", "Europe (Frankfurt) eu-central-1"),
    ("ap-southeast-2", "Asia Pacific (Sydney) ap-southeast-2"),
]


class CreateBucketForm(forms.Form):
    name = forms.CharField(label="Bucket name", max_length=255, strip=False)
    region = forms.ChoiceField(label="AWS Region", choices=REGIONS, initial="us-east-1")


class BucketPolicyForm(forms.Form):
    policy = forms.CharField(
        label="Policy", strip=False, required=False, max_length=40960, widget=forms.Textarea()
    )


class CreateFolderForm(forms.Form):
    folder = forms.CharField(label="Folder name", max_length=1000)

    def clean_folder(self) -> str:
        name: str = self.cleaned_data["folder"].strip()
        if "/" in name.strip("/"):
            raise forms.ValidationError('Folder names can\'t contain "/".')
        return name.strip("/")


class UploadForm(forms.Form):
    file = forms.FileField(label="File")
