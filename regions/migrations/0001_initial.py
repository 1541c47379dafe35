"""Region moves here from buildings: the state moves, the table (buildings_region) stays.

On a database that already has it nothing is created; the content type (with the admin's log
entries and permissions) is renamed rather than left behind."""

import django.db.models.deletion
from django.db import migrations, models


def content_type_move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="regions", model="region").exists():
        ContentType.objects.filter(app_label="buildings", model="region").update(app_label="regions")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("buildings", "0010_tower_totals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=13, unique=True, verbose_name='Kemendagri code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('level', models.CharField(choices=[('kota', 'Kota / kabupaten'), ('kecamatan', 'Kecamatan'), ('kelurahan', 'Kelurahan')], max_length=10, verbose_name='level')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='regions.region', verbose_name='parent')),
                    ],
                    options={
                        'verbose_name': 'region',
                        'verbose_name_plural': 'regions',
                        'db_table': 'buildings_region',
                        'ordering': ['code'],
                        'indexes': [models.Index(fields=['level', 'name'], name='buildings_region_level_name')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('level__in', ['kota', 'kecamatan', 'kelurahan'])), name='buildings_region_level_valid')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_move, migrations.RunPython.noop),
    ]
