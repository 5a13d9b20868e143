"""Virtual MFA devices exist unassigned, as in AWS (CreateVirtualMFADevice before
EnableMFADevice): the owner and the enable date become optional, the creation date is its
own column (taken from the enable date for existing devices), and devices carry tags."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def created_when_enabled(apps, schema_editor):
    MFADevice = apps.get_model("accounts", "MFADevice")
    MFADevice.objects.update(created_at=models.F("enabled_at"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_temporary_credentials")]

    operations = [
        migrations.AlterModelOptions(name="mfadevice", options={"ordering": ["created_at", "id"]}),
        migrations.AddField(
            model_name="mfadevice",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="mfadevice",
            name="enabled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(created_when_enabled, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mfadevice",
            name="principal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="mfa_devices",
                to="accounts.principal",
            ),
        ),
        migrations.AddField(
            model_name="mfadevice",
            name="tags",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
