import secrets
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import free_text, validate_no_nik, validate_tps
from buildings.models import Building, ScopedQuerySet, Tower, Unit, UnitStatus

# A unit outcome takes the unit status codes, less "not visited yet".
OUTCOME_CHOICES = [c for c in UnitStatus.choices if c[0] != UnitStatus.UNVISITED]


class UnitOutcomeQuerySet(ScopedQuerySet):
    building_path = "visit__building__"


class AccessIssueEventQuerySet(ScopedQuerySet):
    building_path = "issue__building__"


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


def _officer_photo_path(photo, filename):
    # A random name, new for each upload: never guessable (even where DEBUG serves MEDIA_ROOT)
    # and naming no one. Letters only (~122 bits): a run of hex digits can look like a NIK,
    # which the guard on this field would refuse.
    name = "".join(secrets.choice(string.ascii_lowercase) for _ in range(26))
    return f"officer-photos/{name}.jpg"


class OfficerPhoto(models.Model):
    """The pantarlih's own face photo on the officer card, so a guard sees that the person
    holding the card is the officer it names.

    Served only to the officer (on the card) and on the public check while the card checks as
    valid today (visits/views/officer.py); not in the admin, and no URL takes its id. Written
    only through visits.officer_photo, which shrinks it and audits the change.
    """

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="officer_photo",
    )
    photo = models.FileField(
        _("photo"), upload_to=_officer_photo_path, validators=[validate_no_nik]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("officer photo")
        verbose_name_plural = _("officer photos")

    def __str__(self):
        return f"{self.officer}"


# The KPU Kota's letter to a manager (the second rung of the escalation ladder) is numbered
# like every official letter of the office: a running number per office and year, written
# into the office's own pattern. Only these two placeholders are replaced (never str.format).
LETTER_NUMBER = "{nomor}"
LETTER_YEAR = "{tahun}"


def validate_letter_number_pattern(value: str) -> None:
    if value.count(LETTER_NUMBER) != 1:
        raise ValidationError(
            _("The pattern must hold {nomor} once, where the running number goes."),
            code="pattern",
        )
    rest = value.replace(LETTER_NUMBER, "").replace(LETTER_YEAR, "")
    if "{" in rest or "}" in rest:
        raise ValidationError(
            _("Only {nomor} and {tahun} may stand in braces in the pattern."), code="pattern"
        )


def validate_nip(value: str) -> None:
    """A civil servant's NIP: 18 digits (birth date, appointment, sex, serial), spaces allowed."""
    digits = value.replace(" ", "")
    if not (len(digits) == 18 and digits.isascii() and digits.isdigit()):
        raise ValidationError(_("A NIP has 18 digits, e.g. 19800101 200501 1 001."), code="nip")


def letter_number_pattern_default(kota_code: str) -> str:
    """KPU's classification for voter-list matters (PL.01.2), an official letter (SD), the
    kota's Kemendagri code and the year: 001/PL.01.2-SD/3174/2024."""
    return f"{LETTER_NUMBER}/PL.01.2-SD/{kota_code.replace('.', '')}/{LETTER_YEAR}"


class LetterOffice(models.Model):
    """A KPU Kota office as its letters name it: who signs them and how they are numbered.

    Kept by the KPU Kota (or KPU Provinsi) on /dasbor/wilayah/<kota>/surat/; read when a
    letter is drafted, and copied into each letter when it is recorded as sent.
    """

    kota = models.OneToOneField(
        "regions.Region",
        verbose_name=_("kota"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "kota"},
    )
    signatory_name = models.CharField(
        _("signatory's name"), max_length=150, validators=[validate_no_nik]
    )
    signatory_nip = models.CharField(
        _("signatory's NIP"),
        max_length=21,
        blank=True,
        validators=[validate_no_nik, validate_nip],
        help_text=_("18 digits; leave empty when the signatory has none (a commissioner)."),
    )
    signatory_position = models.CharField(
        _("signatory's position"),
        max_length=150,
        validators=[validate_no_nik],
        help_text=_("As printed above the signature, e.g. Ketua KPU Kota Administrasi ..."),
    )
    number_pattern = models.CharField(
        _("letter number pattern"),
        max_length=100,
        validators=[validate_no_nik, validate_letter_number_pattern],
        help_text=_(
            "{nomor} is the running number, {tahun} the year: {nomor}/PL.01.2-SD/3174/{tahun}"
        ),
    )
    address = models.CharField(
        _("office address"),
        max_length=200,
        blank=True,
        validators=[validate_no_nik],
        help_text=_("Printed under the letterhead: street, telephone, email."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("letter office")
        verbose_name_plural = _("letter offices")

    def __str__(self):
        return f"{self.kota} – {self.signatory_name}"


class IssueLetterQuerySet(ScopedQuerySet):
    building_path = "issue__building__"


class IssueLetter(models.Model):
    """The KPU Kota's letter to the manager about one access issue, as recorded when sent.

    Its number is taken when it is recorded (the office's next running number of the letter's
    year); the signatory is copied from the office then, so a later change of the office's
    signatory leaves the letters already sent as they were.
    """

    issue = models.OneToOneField(
        AccessIssue, verbose_name=_("access issue"), on_delete=models.CASCADE, related_name="letter"
    )
    kota = models.ForeignKey(
        "regions.Region", verbose_name=_("kota"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("running number"))
    number = models.CharField(_("number"), max_length=120, validators=[validate_no_nik])
    sent_on = models.DateField(_("letter date"))
    signatory_name = models.CharField(
        _("signatory's name"), max_length=150, validators=[validate_no_nik]
    )
    signatory_nip = models.CharField(
        _("signatory's NIP"), max_length=21, blank=True, validators=[validate_no_nik, validate_nip]
    )
    signatory_position = models.CharField(
        _("signatory's position"), max_length=150, validators=[validate_no_nik]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = IssueLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter to a manager")
        verbose_name_plural = _("letters to managers")
        constraints = [
            models.UniqueConstraint(
                fields=["kota", "year", "sequence"], name="visits_issueletter_number_unique"
            ),
        ]

    def __str__(self):
        return self.number
