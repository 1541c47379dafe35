"""Region moved to its own app (regions/0001): the foreign keys follow in the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_tps_three_digits'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='briefing',
                    name='region',
                    field=models.ForeignKey(help_text='The kota whose managers the session is for.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='kota'),
                ),
                migrations.AlterField(
                    model_name='invitation',
                    name='region',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='region'),
                ),
                migrations.AlterField(
                    model_name='user',
                    name='region',
                    field=models.ForeignKey(blank=True, help_text='For staff roles: the kota, kecamatan or kelurahan this person works in.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='region'),
                ),
            ],
            database_operations=[],
        ),
    ]
