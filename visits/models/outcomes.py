"""A pantarlih's trip to a building, and what they found at each unit on it (append-only)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import free_text, validate_no_nik
from buildings.models import Building, ScopedQuerySet, Tower, Unit, UnitStatus
from visits.models.periods import CoklitPeriod
from visits.models.schedules import Schedule

# A unit outcome takes the unit status codes, less "not visited yet".
OUTCOME_CHOICES = [c for c in UnitStatus.choices if c[0] != UnitStatus.UNVISITED]


class UnitOutcomeQuerySet(ScopedQuerySet):
    building_path = "visit__building__"


class VisitAccess(models.TextChoices):
    GRANTED = "granted", _("Access granted")
    PARTIAL = "partial", _("Partial access")
    DENIED = "denied", _("Access denied")


class Visit(models.Model):
    """One trip of a pantarlih to a building, identified by the UUID the phone made for it."""

    Access = VisitAccess

    client_uuid = models.UUIDField(_("submission id"), unique=True)
    period = models.ForeignKey(
        CoklitPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    pantarlih = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pantarlih"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="visits"
    )
    tower = models.ForeignKey(
        Tower,
        verbose_name=_("tower"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    schedule = models.ForeignKey(
        Schedule,
        verbose_name=_("schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.GRANTED
    )
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=free_text(2000))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    photo = models.FileField(
        _("photo"), upload_to="visits/%Y/%m/", blank=True, validators=[validate_no_nik]
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="visits_visit_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(access__in=VisitAccess.values),
                name="visits_visit_access_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["building", "started_at"], name="visits_visit_building"),
            models.Index(fields=["pantarlih", "started_at"], name="visits_visit_pantarlih"),
            models.Index(fields=["-started_at"], name="visits_visit_started"),
        ]

    def __str__(self):
        return f"{self.building} – {self.pantarlih} {timezone.localtime(self.started_at):%d-%m-%Y %H:%M}"


class Sticker(models.TextChoices):
    PLACED = "placed", _("Sticker placed")
    HANDED_OVER = "handed_over", _("Handed over (resident refused placement)")
    NONE = "none", _("No sticker")


class UnitOutcome(models.Model):
    """What a pantarlih found at one unit on one visit. Append-only: nothing is overwritten."""

    Outcome = UnitStatus

    Sticker = Sticker

    client_uuid = models.UUIDField(
        _("submission id"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("Made on the phone, so a submission sent twice is stored once."),
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="outcomes"
    )
    # No index of its own: visits_outcome_unit_time (unit, recorded_at) leads with it.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="outcomes",
        db_index=False,
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=OUTCOME_CHOICES)
    voters_verified = models.PositiveSmallIntegerField(_("voters verified"), default=0)
    voters_removed = models.PositiveSmallIntegerField(_("voters removed"), default=0)
    voters_new = models.PositiveSmallIntegerField(_("new voters"), default=0)
    sticker = models.CharField(
        _("sticker"), max_length=12, choices=Sticker.choices, default=Sticker.NONE
    )
    recorded_at = models.DateTimeField(
        _("recorded at"), help_text=_("When the pantarlih recorded it on the phone.")
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = UnitOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit outcome")
        verbose_name_plural = _("unit outcomes")
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=[value for value, _label in OUTCOME_CHOICES]),
                name="visits_unitoutcome_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(sticker__in=Sticker.values),
                name="visits_unitoutcome_sticker_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "recorded_at"], name="visits_outcome_unit_time"),
        ]

    def __str__(self):
        return f"{self.unit_id}: {self.get_outcome_display()}"
