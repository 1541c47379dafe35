"""The coklit window, and which pantarlih covers which building (or tower) in it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_nik, validate_tps
from buildings.models import Building, ScopedQuerySet, Tower


class CoklitPeriodQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class CoklitPeriod(models.Model):
    """A coklit window (24 June – 24 July 2024 for Pilkada DKI); data, never a constant."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_no_nik])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = CoklitPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("coklit period")
        verbose_name_plural = _("coklit periods")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="visits_coklitperiod_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def contains(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on

    def days_left(self, today=None) -> int:
        today = today or timezone.localdate()
        return max((self.ends_on - max(today, self.starts_on)).days + 1, 0)


class Assignment(models.Model):
    """Which pantarlih covers which building (or one tower of it) in a period, and for which TPS."""

    period = models.ForeignKey(
        CoklitPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    pantarlih = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pantarlih"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="assignments"
    )
    tower = models.ForeignKey(
        Tower,
        verbose_name=_("tower"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        help_text=_("Leave empty when the pantarlih covers the whole building."),
    )
    tps = models.CharField(
        _("TPS"),
        max_length=10,
        validators=[validate_no_nik, validate_tps],
        help_text=_("Polling station number, e.g. 012"),
    )
    expected_voters = models.PositiveIntegerField(_("expected voters (DPS)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "pantarlih", "building", "tower"],
                name="visits_assignment_tower_unique",
            ),
            models.UniqueConstraint(
                fields=["period", "pantarlih", "building"],
                condition=Q(tower__isnull=True),
                name="visits_assignment_building_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["pantarlih", "period"], name="visits_assignment_pantarlih"),
            models.Index(fields=["building", "period"], name="visits_assignment_building"),
        ]

    def __str__(self):
        where = f"{self.building} / {self.tower.name}" if self.tower_id else str(self.building)
        return f"{self.pantarlih} – {where} (TPS {self.tps})"
