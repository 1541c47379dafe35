import datetime

from django.db import migrations


def seed(apps, schema_editor):
    # PKPU 7/2024: coklit for Pilkada 2024 ran from 24 June to 24 July 2024.
    apps.get_model("visits", "CoklitPeriod").objects.get_or_create(
        name="Pilkada DKI Jakarta 2024",
        defaults={
            "starts_on": datetime.date(2024, 6, 24),
            "ends_on": datetime.date(2024, 7, 24),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
