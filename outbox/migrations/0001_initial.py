"""OutboxMessage moves here from reminders: the state moves, the table stays where it is.

On a database that already has it, nothing is created; the content type (and with it the
admin's log entries and permissions) is renamed rather than left behind.
"""

from django.db import migrations, models


def content_type_move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="outbox", model="outboxmessage").exists():
        ContentType.objects.filter(app_label="reminders", model="outboxmessage").update(
            app_label="outbox"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reminders", "0002_proposal_tomorrow"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("task", models.CharField(max_length=200, verbose_name="task")),
                        ("args", models.JSONField(default=list, verbose_name="arguments")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "enqueued_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="enqueued at"),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                    ],
                    options={
                        "verbose_name": "outbox message",
                        "verbose_name_plural": "outbox",
                        "db_table": "reminders_outboxmessage",
                        "indexes": [
                            models.Index(
                                condition=models.Q(("enqueued_at__isnull", True)),
                                fields=["created_at"],
                                name="reminders_outbox_unqueued",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_move, migrations.RunPython.noop),
    ]
