from django.db import migrations


def load(apps, schema_editor):
    from policies.sync import sync_managed_policies

    sync_managed_policies(apps.get_model("policies", "ManagedPolicy"), apps.get_model("policies", "PolicyVersion"))


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
