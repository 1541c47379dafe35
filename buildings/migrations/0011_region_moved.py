"""Region moved to its own app (regions/0001): the state forgets it here, the table stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_region_moved'),
        ('buildings', '0010_tower_totals'),
        ('regions', '0001_initial'),
        ('visits', '0010_region_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='building',
                    name='kelurahan',
                    field=models.ForeignKey(limit_choices_to={'level': 'kelurahan'}, on_delete=django.db.models.deletion.PROTECT, related_name='buildings', to='regions.region', verbose_name='kelurahan'),
                ),
                migrations.DeleteModel(
                    name='Region',
                ),
            ],
            database_operations=[],
        ),
    ]
