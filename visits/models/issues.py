"""A building that will not let coklit happen, and each step of its way up the escalation
ladder."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import free_text, validate_no_nik
from buildings.models import Building, ScopedQuerySet
from visits.models.outcomes import Visit


class AccessIssueKind(models.TextChoices):
    SECURITY_REFUSED = "security_refused", _("Security refused entry")
    MANAGER_UNRESPONSIVE = "manager_unresponsive", _("Manager does not answer")
    MANAGER_REFUSED = "manager_refused", _("Manager refuses coklit")
    STICKER_REFUSED = "sticker_refused", _("Sticker refused")
    OTHER = "other", _("Other")


class AccessIssueLevel(models.TextChoices):
    # The ladder, in order: each step hands the issue to a higher authority.
    PPS = "pps", _("PPS")
    KPU_KOTA = "kpu_kota", _("KPU Kota (letter to the manager)")
    DINAS = "dinas", _("Dinas Perumahan")
    BAWASLU = "bawaslu", _("Bawaslu")


class AccessIssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")


class AccessIssue(models.Model):
    """A building that will not let coklit happen, moved up the escalation ladder until solved."""

    Kind = AccessIssueKind

    Level = AccessIssueLevel

    Status = AccessIssueStatus

    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        on_delete=models.CASCADE,
        related_name="access_issues",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_issues",
    )
    kind = models.CharField(_("kind"), max_length=25, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=4000, validators=free_text(4000))
    level = models.CharField(
        _("escalation level"), max_length=10, choices=Level.choices, default=Level.PPS
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(
        _("current step due"), null=True, blank=True, help_text=_("The clock on this step.")
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(
        _("resolution"), blank=True, max_length=2000, validators=free_text(2000)
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access issue")
        verbose_name_plural = _("access issues")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccessIssueKind.values),
                name="visits_accessissue_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(level__in=AccessIssueLevel.values),
                name="visits_accessissue_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AccessIssueStatus.values),
                name="visits_accessissue_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="visits_accessissue_resolved_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["building", "status"], name="visits_issue_building_status"),
            models.Index(fields=["status", "level"], name="visits_issue_status_level"),
        ]

    def __str__(self):
        return f"{self.building} – {self.get_kind_display()} ({self.get_status_display()})"


class AccessIssueEventQuerySet(ScopedQuerySet):
    building_path = "issue__building__"


class AccessIssueEventAction(models.TextChoices):
    RAISED = "raised", _("Raised")
    COMMENT = "comment", _("Comment")
    MANAGER_REPLY = "manager_reply", _("Manager's answer")
    ESCALATED = "escalated", _("Moved up the ladder")
    LETTER_SENT = "letter_sent", _("Letter sent to the manager")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")


class AccessIssueEvent(models.Model):
    """One step in an access issue's history: who acted, when, at which level, with what."""

    Action = AccessIssueEventAction

    issue = models.ForeignKey(
        AccessIssue, verbose_name=_("access issue"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=15, choices=AccessIssueEventAction.choices)
    level = models.CharField(_("escalation level"), max_length=10, choices=AccessIssueLevel.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=free_text(2000))
    evidence = models.FileField(
        _("evidence"), upload_to="access-issues/%Y/%m/", blank=True, validators=[validate_no_nik]
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = AccessIssueEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access issue step")
        verbose_name_plural = _("access issue steps")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AccessIssueEventAction.values),
                name="visits_accessissueevent_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(level__in=AccessIssueLevel.values),
                name="visits_accessissueevent_level_valid",
            ),
        ]

    def __str__(self):
        return f"{self.issue_id}: {self.get_action_display()}"
