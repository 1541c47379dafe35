"""Residents' side of coklit: a building's public address and the visits residents ask for.

This module imports nothing from `visits` (the period is referenced by name), so the field
pages in `visits` can read open requests and close them without an import cycle.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import free_text, validate_no_nik
from buildings.models import Building, ScopedQuerySet, Tower, Unit

# Letters and digits nobody confuses when typing from a poster (no 0/O, 1/I/L).
TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TOKEN_LENGTH = 8


def token_new() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def token_normalize(value: str) -> str:
    """What someone typed from a poster ('k7mq 2xpa') as stored, or '' if it cannot be one."""
    raw = "".join((value or "").split()).upper()
    if len(raw) != TOKEN_LENGTH or any(c not in TOKEN_ALPHABET for c in raw):
        return ""
    return raw


class PublicLink(models.Model):
    """The token in a building's public address (/warga/<token>/), printed on its posters.

    Rotating it retires the current row and adds a new one: an old poster then opens a page
    that says it is outdated and gives the new address. The rows are the history of who
    rotated when, so they need no audit log of their own.
    """

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(_("token"), max_length=TOKEN_LENGTH, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public link")
        verbose_name_plural = _("public links")
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(retired_at__isnull=True),
                name="residents_publiclink_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.building} – {self.token}"


class BestTime(models.TextChoices):
    MORNING = "pagi", _("morning")
    MIDDAY = "siang", _("midday")
    AFTERNOON = "sore", _("afternoon")
    EVENING = "malam", _("evening")
    WEEKEND = "akhir_pekan", _("weekend")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    VISITED = "visited", _("Visited")


class VisitRequestQuerySet(ScopedQuerySet):
    building_path = "building__"

    def open(self):
        return self.filter(status=RequestStatus.OPEN)


class VisitRequest(models.Model):
    """A resident's "nobody came yet, please visit": one open row per unit and period.

    No name and no NIK; a phone number only with the resident's consent to a WhatsApp
    callback, erased when the unit is visited or the period ends (residents.retention).
    Recording any outcome for the unit closes it (visits.services.outcome_record).
    Not in the audit log: an audit row would copy the callback number past its erasure.
    """

    BestTime = BestTime
    Status = RequestStatus

    period = models.ForeignKey(
        "visits.CoklitPeriod", verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="+"
    )
    tower = models.ForeignKey(
        Tower, verbose_name=_("tower"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="visit_requests"
    )
    best_time = models.CharField(_("best time"), max_length=12, choices=BestTime.choices)
    note = models.TextField(_("note"), blank=True, max_length=200, validators=free_text(200))
    callback_phone = models.CharField(
        _("callback number"), max_length=20, blank=True, validators=[validate_no_nik]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    times_asked = models.PositiveSmallIntegerField(_("times asked"), default=1)
    created_at = models.DateTimeField(_("first asked"), default=timezone.now)
    last_asked_at = models.DateTimeField(_("last asked"), default=timezone.now)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)

    objects = VisitRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit request")
        verbose_name_plural = _("visit requests")
        constraints = [
            # Several requests for one unit merge into this row.
            models.UniqueConstraint(
                fields=["unit", "period"],
                condition=Q(status=RequestStatus.OPEN),
                name="residents_visitrequest_one_open_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values),
                name="residents_visitrequest_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(best_time__in=BestTime.values),
                name="residents_visitrequest_best_time_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.OPEN) | Q(visited_at__isnull=False),
                name="residents_visitrequest_visited_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["tower", "status"], name="residents_request_tower"),
            models.Index(fields=["building", "status"], name="residents_request_building"),
            models.Index(fields=["period", "status"], name="residents_request_period"),
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_best_time_display()})"


class ProgressSnapshot(models.Model):
    """A building's public progress, rounded, frozen for the day at its first public view.

    The public page reads only this, so during the day it is the same bytes whatever
    happens at any unit, and from one day to the next it moves in steps of a tenth of a
    tower: nobody can watch it to learn which unit was visited or found empty.
    """

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    # [[tower id, tower name, tenths visited (0-10), residential units > 0], ...]
    towers = models.JSONField(_("towers"), default=list)

    class Meta:
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "day"], name="residents_progresssnapshot_unique"
            ),
        ]

    def __str__(self):
        return f"{self.building} {self.day}"
