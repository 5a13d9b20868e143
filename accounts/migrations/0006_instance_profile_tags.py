"""Instance profiles carry tags (TagInstanceProfile, ListInstanceProfileTags)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_mfa_device_unassigned")]

    operations = [
        migrations.AddField(
            model_name="instanceprofile",
            name="tags",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
