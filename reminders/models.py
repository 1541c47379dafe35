from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    VISIT_TOMORROW = "visit_tomorrow", _("Visit or posko day tomorrow")
    PROPOSAL_UNANSWERED = "proposal_unanswered", _("Proposal unanswered for 48 hours")
    PROPOSAL_TOMORROW = "proposal_tomorrow", _("Proposal for tomorrow still unanswered")
    NO_SCHEDULE = "no_schedule", _("Assigned building with no schedule")
    STALLED = "stalled", _("Building with no progress")
    COUNTDOWN = "countdown", _("Countdown before the period ends")
    ESCALATION_OVERDUE = "escalation_overdue", _("Escalation step past its deadline")
    DIGEST = "digest", _("Daily digest")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ReminderLog(models.Model):
    """One reminder to one person, claimed (inserted) before it is sent, so it goes out once.

    The unique (kind, recipient, key) is the whole guarantee: a rerun, a second beat or a
    worker killed mid-batch finds the row and never sends a second one.
    """

    Kind = ReminderKind
    Status = ReminderStatus

    kind = models.CharField(_("kind"), max_length=25, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("subject key"), max_length=100, help_text=_("e.g. schedule:123"))
    day = models.DateField(_("day"), help_text=_("The Jakarta date of the run that claimed it."))
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("claimed at"))
    # A sender holds the row until then; a row left pending past it is picked up again.
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder log")
        verbose_name_plural = _("reminder log")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "key"], name="reminders_reminderlog_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminders_reminderlog_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReminderStatus.values),
                name="reminders_reminderlog_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="reminders_log_status_created"),
            models.Index(fields=["day", "kind"], name="reminders_log_day_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_id} ({self.key})"


class DigestOptOut(models.Model):
    """A person who asked, through the link in a digest, to stop receiving digests."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest opt-out")
        verbose_name_plural = _("digest opt-outs")

    def __str__(self):
        return str(self.user)
