from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.phones import phone_field_clean
from accounts.scope import building_q
from accounts.validators import free_text, validate_no_nik
from buildings.validators import (
    coordinate_pair_errors,
    validate_dki_latitude,
    validate_dki_longitude,
)
from regions.models import Region


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a building, reached through `building_path`."""

    building_path = "building__"

    def in_scope(self, user):
        return self.filter(building_q(user, self.building_path))


class BuildingQuerySet(ScopedQuerySet):
    building_path = ""

    def in_region(self, code_prefix: str):
        return self.filter(kelurahan__code__startswith=code_prefix)


class TowerQuerySet(ScopedQuerySet):
    building_path = "building__"


class UnitQuerySet(ScopedQuerySet):
    building_path = "tower__building__"

    def refused_twice(self):
        """Units refused at least twice (by residents or by security alike): flagged for
        escalation on the phone's grid, the dashboard and the reminders."""
        return self.filter(refusal_count__gte=Unit.REFUSED_TWICE)


class UnitOccupancyQuerySet(ScopedQuerySet):
    building_path = "unit__tower__building__"


class BuildingKind(models.TextChoices):
    APARTEMEN = "apartemen", _("Apartment")
    RUSUNAMI = "rusunami", _("Rusunami (owned low-cost flats)")
    RUSUNAWA = "rusunawa", _("Rusunawa (rented public flats)")
    LAINNYA = "lainnya", _("Other")


class Building(models.Model):
    Kind = BuildingKind

    name = models.CharField(_("name"), max_length=200, validators=[validate_no_nik])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[validate_no_nik]
    )
    kelurahan = models.ForeignKey(
        Region,
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="buildings",
        limit_choices_to={"level": Region.Level.KELURAHAN},
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        # Inside DKI Jakarta, Kepulauan Seribu included (buildings/validators.py); the
        # database keeps its own -90…90 check below.
        validators=[validate_dki_latitude],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_dki_longitude],
    )
    manager_org = models.CharField(
        _("managing organisation (pengelola)"),
        max_length=200,
        blank=True,
        validators=[validate_no_nik],
        help_text=_("The company, PPPSRS or UPRS that runs the building."),
    )
    access_notes = models.TextField(
        _("access rules"),
        blank=True,
        max_length=2000,
        validators=free_text(2000),
        help_text=_("Anything else an officer should know before coming."),
    )
    access_hours = models.CharField(
        _("visiting hours"),
        max_length=200,
        blank=True,
        validators=[validate_no_nik],
        help_text=_("When officers may come, e.g. Mon–Sat 09.00–20.00."),
    )
    access_requirements = models.CharField(
        _("what an officer must show"),
        max_length=300,
        blank=True,
        validators=[validate_no_nik],
        help_text=_("e.g. KPU officer card and assignment letter."),
    )
    access_report_point = models.CharField(
        _("where to report on arrival"),
        max_length=200,
        blank=True,
        validators=[validate_no_nik],
        help_text=_("e.g. security post at the Tower A lobby."),
    )
    contact_name = models.CharField(
        _("contact person on duty"), max_length=150, blank=True, validators=[validate_no_nik]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_no_nik]
    )
    posko_available = models.BooleanField(
        _("lobby help desk (posko) space available"), default=False
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "kelurahan", name="buildings_building_name_kelurahan_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=BuildingKind.values),
                name="buildings_building_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="buildings_building_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="buildings_building_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        """Each field's own checks, then latitude and longitude as a pair.

        The pair is checked here rather than in clean(), which runs even when a field has
        failed: a latitude that could not be read (so left empty) would then also be told
        "give the latitude too". The admin, the portal's forms and the importer all call
        full_clean(), so all of them get it.
        """
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        skipped = set(exclude or ()) | set(errors)
        if not skipped & {"latitude", "longitude"}:
            for name, message in coordinate_pair_errors(self.latitude, self.longitude).items():
                errors[name] = [ValidationError(message, code="coordinate_pair")]
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        self.contact_phone = phone_field_clean(self.contact_phone, "contact_phone")


class Tower(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="towers"
    )
    name = models.CharField(_("name"), max_length=50, validators=[validate_no_nik])
    floors = models.PositiveSmallIntegerField(
        _("floors"), default=1, validators=[MinValueValidator(1), MaxValueValidator(150)]
    )
    expected_voters = models.PositiveIntegerField(
        _("expected voters (DPS)"),
        null=True,
        blank=True,
        help_text=_("The DPS count KPU gives for this tower, if known."),
    )

    objects = TowerQuerySet.as_manager()

    class Meta:
        verbose_name = _("tower")
        verbose_name_plural = _("towers")
        ordering = ["building", "name"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="buildings_tower_unique"),
            models.CheckConstraint(
                condition=models.Q(floors__gte=1, floors__lte=150),
                name="buildings_tower_floors_range",
            ),
        ]

    def __str__(self):
        return f"{self.building} – {self.name}"


class UnitStatus(models.TextChoices):
    UNVISITED = "unvisited", _("Not visited yet")
    DONE = "done", _("Coklit done")
    NOT_HOME = "not_home", _("Nobody home")
    REFUSED = "refused", _("Refused by the resident")
    SECURITY_REFUSED = "security_refused", _("Turned away by security or the manager")
    VACANT = "vacant", _("Vacant")
    NON_RESIDENTIAL = "non_residential", _("Not a dwelling (office, shop)")
    NO_LOCAL_VOTERS = "no_local_voters", _("No DKI voters living here")
    SENT_TO_POSKO = "sent_to_posko", _("Asked to come to the posko")


class Unit(models.Model):
    """A dwelling (or shop, office) in a tower, carrying its current coverage status.

    `status` follows the unit's newest outcome by the time it was recorded on the phone
    (`status_at`); visits.services.outcome_record keeps the two in step in one transaction,
    so progress is a count over an index, not a scan of outcomes.
    """

    Status = UnitStatus

    # These outcomes close a unit; the others leave it open for a revisit.
    CLOSED_STATUSES = frozenset(
        {Status.DONE, Status.VACANT, Status.NO_LOCAL_VOTERS, Status.NON_RESIDENTIAL}
    )
    # Open after a visit: the unit needs another (a refusal counts as one too).
    REVISIT_STATUSES = frozenset(
        {Status.NOT_HOME, Status.REFUSED, Status.SECURITY_REFUSED, Status.SENT_TO_POSKO}
    )
    # These count towards `refusal_count`; a unit refused this many times is flagged for
    # escalation (see UnitQuerySet.refused_twice; the towers' triggers count the same).
    REFUSAL_STATUSES = frozenset({Status.REFUSED, Status.SECURITY_REFUSED})
    REFUSED_TWICE = 2

    # No index of its own: buildings_unit_position and the unique (tower, number) lead with it.
    tower = models.ForeignKey(
        Tower,
        verbose_name=_("tower"),
        on_delete=models.CASCADE,
        related_name="units",
        db_index=False,
    )
    floor = models.SmallIntegerField(
        _("floor"), validators=[MinValueValidator(-10), MaxValueValidator(150)]
    )
    number = models.CharField(_("unit number"), max_length=20, validators=[validate_no_nik])
    residential = models.BooleanField(_("residential"), default=True)
    status = models.CharField(
        _("coverage status"), max_length=20, choices=Status.choices, default=Status.UNVISITED
    )
    status_at = models.DateTimeField(_("status recorded at"), null=True, blank=True)
    # Running totals of the unit's outcomes, kept by outcome_record in the same UPDATE as the
    # status, so coverage pages count units instead of scanning every outcome ever recorded.
    outcome_count = models.PositiveIntegerField(_("outcomes recorded"), default=0)
    refusal_count = models.PositiveSmallIntegerField(_("refusals"), default=0)
    voters_verified = models.PositiveIntegerField(_("voters verified"), default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["tower", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tower", "number"], name="buildings_unit_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=UnitStatus.values),
                name="buildings_unit_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(floor__gte=-10, floor__lte=150),
                name="buildings_unit_floor_range",
            ),
        ]
        indexes = [
            models.Index(fields=["tower", "floor", "number"], name="buildings_unit_position"),
            models.Index(fields=["tower", "status"], name="buildings_unit_tower_status"),
        ]

    def __str__(self):
        return f"{self.tower.name} / {self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class TowerTotals(models.Model):
    """A tower's coverage figures over its residential units, kept by the database itself.

    Triggers on the units table (migration 0010) add every insert, update or delete of a unit
    to its tower's row in the same statement, whatever wrote it: an outcome, an import, the
    admin, a test. So dashboards sum towers instead of scanning units, and no write path can
    forget them. Never saved from Python; `manage.py recount_totals` checks them against the
    units (and mends them) if ever in doubt.
    """

    tower = models.OneToOneField(
        Tower,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # a trigger removes the row with its tower
        db_constraint=False,
        related_name="totals",
    )
    residential_units = models.IntegerField(default=0)
    closed_units = models.IntegerField(default=0)
    visited_units = models.IntegerField(default=0)  # with at least one outcome
    outcome_count = models.IntegerField(default=0)
    voters_verified = models.IntegerField(default=0)
    refused_twice_units = models.IntegerField(default=0)
    # The newest status time among the closed units: when the tower last closed a unit.
    last_closed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("tower totals")
        verbose_name_plural = _("tower totals")

    def __str__(self):
        return f"{self.tower_id}: {self.closed_units}/{self.residential_units}"


class TowerClosedDay(models.Model):
    """How many of a tower's residential units are closed by an outcome recorded on `day`
    (Jakarta time), kept by the same triggers: the daily series without a scan of units."""

    pk = models.CompositePrimaryKey("tower_id", "day")
    tower = models.ForeignKey(
        Tower, on_delete=models.DO_NOTHING, db_constraint=False, related_name="closed_days"
    )
    day = models.DateField()
    closed = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("units closed on a day")
        verbose_name_plural = _("units closed per day")

    def __str__(self):
        return f"{self.tower_id} {self.day}: {self.closed}"


class OccupancyStatus(models.TextChoices):
    OCCUPIED = "occupied", _("Occupied")
    VACANT = "vacant", _("Vacant")
    BUSINESS = "business", _("Business use")


class UnitOccupancy(models.Model):
    """What the manager reports about a unit before the visits: a hint, never coverage."""

    Status = OccupancyStatus

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="occupancy"
    )
    status = models.CharField(_("occupancy"), max_length=10, choices=Status.choices)
    best_time = models.CharField(
        _("best time to find residents"),
        max_length=100,
        blank=True,
        validators=[validate_no_nik],
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = UnitOccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit occupancy")
        verbose_name_plural = _("unit occupancy")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OccupancyStatus.values),
                name="buildings_unitoccupancy_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.unit}: {self.get_status_display()}"


class BuildingManager(models.Model):
    """A manager's (pengelola's) staff member linked to a building they run."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="managed_buildings",
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="managers"
    )
    position = models.CharField(
        _("position"), max_length=100, blank=True, validators=[validate_no_nik]
    )
    is_primary = models.BooleanField(
        _("primary contact"),
        default=False,
        help_text=_("The one manager KPU contacts first for this building."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("building manager")
        verbose_name_plural = _("building managers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "building"], name="buildings_buildingmanager_unique"
            ),
            models.UniqueConstraint(
                fields=["building"],
                condition=models.Q(is_primary=True),
                name="buildings_buildingmanager_one_primary",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.building}"
