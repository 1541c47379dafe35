from django.db import migrations


def load(apps, schema_editor):
    from regions.tree import regions_load

    regions_load(apps.get_model("buildings", "Region"))


class Migration(migrations.Migration):
    dependencies = [("buildings", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
