"""Appointments for door-to-door visits and posko days, proposed by one side and answered by
the other."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import free_text
from buildings.models import Building, ScopedQuerySet, Tower
from visits.models.periods import CoklitPeriod


class ScheduleKind(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door visit")
    POSKO = "posko", _("Posko day (lobby help desk)")


class ScheduleStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


class ScheduleQuerySet(ScopedQuerySet):
    def with_state(self):
        """Annotate whether another time was proposed instead (Schedule.state reads it), in the
        same query: a list of schedules then shows each one's state without a query per row."""
        counters = Schedule.objects.filter(counter_of=OuterRef("pk"))
        return self.annotate(countered=Exists(counters))


class Schedule(models.Model):
    """An appointment for door-to-door visits or a posko day, which the manager confirms."""

    # The schedule's named states, used by every page and rule that asks:
    # still to happen, awaiting an answer or agreed;
    OPEN_STATUSES = frozenset({ScheduleStatus.PROPOSED, ScheduleStatus.CONFIRMED})
    # agreed, or held: what a calendar shows;
    AGREED_STATUSES = frozenset({ScheduleStatus.CONFIRMED, ScheduleStatus.DONE})
    # off: refused or called off, left out of counts and lists of what is planned.
    OFF_STATUSES = frozenset({ScheduleStatus.DECLINED, ScheduleStatus.CANCELLED})

    Kind = ScheduleKind

    Status = ScheduleStatus

    period = models.ForeignKey(
        CoklitPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="schedules"
    )
    tower = models.ForeignKey(
        Tower,
        verbose_name=_("tower"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=free_text(2000))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reply = models.TextField(
        _("reply"),
        blank=True,
        max_length=2000,
        validators=free_text(2000),
        help_text=_("The other side's answer: a reason to decline, or a note on confirming."),
    )
    counter_of = models.ForeignKey(
        "self",
        verbose_name=_("proposed instead of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counters",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScheduleQuerySet.as_manager()

    # What a reader sees beside the stored status: a proposal whose day passed unanswered has
    # expired (it can no longer be answered), and a proposal answered with another time was
    # not refused: it was countered.
    EXPIRED, COUNTERED = "expired", "countered"
    STATE_LABELS = {
        EXPIRED: _("Expired"),
        COUNTERED: _("Another time proposed"),
    }

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="visits_schedule_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ScheduleKind.values), name="visits_schedule_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ScheduleStatus.values),
                name="visits_schedule_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["building", "date"], name="visits_schedule_building_date"),
            models.Index(fields=["date", "status"], name="visits_schedule_date_status"),
        ]

    def __str__(self):
        return f"{self.building} – {self.get_kind_display()} {self.date:%d-%m-%Y}"

    @property
    def state(self) -> str:
        """The status as people read it: "expired", "countered", or the stored status."""
        if self.status == ScheduleStatus.PROPOSED and self.date < timezone.localdate():
            return self.EXPIRED
        if self.status == ScheduleStatus.DECLINED:
            countered = getattr(self, "countered", None)
            if countered is None:  # not annotated by with_state(): one query, this row only
                countered = Schedule.objects.filter(counter_of=self.pk).exists()
            if countered:
                return self.COUNTERED
        return self.status

    def get_state_display(self) -> str:
        return str(self.STATE_LABELS.get(self.state) or self.get_status_display())
