"""Region moved to its own app (regions/0001): the foreign keys follow in the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('visits', '0009_tps_three_digits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='issueletter',
                    name='kota',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='kota'),
                ),
                migrations.AlterField(
                    model_name='letteroffice',
                    name='kota',
                    field=models.OneToOneField(limit_choices_to={'level': 'kota'}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='kota'),
                ),
            ],
            database_operations=[],
        ),
    ]
