from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A task to enqueue, written in the transaction that caused it (see outbox.services).

    If the broker is down when the transaction commits, the row stays unqueued and the beat's
    sweep enqueues it once the broker is back.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        # Moved here from reminders: the table keeps its name (migrations outbox/0001).
        db_table = "reminders_outboxmessage"
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(enqueued_at__isnull=True),
                name="reminders_outbox_unqueued",
            )
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
