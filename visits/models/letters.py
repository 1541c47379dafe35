"""The KPU Kota's letters to managers (the escalation ladder's second rung): the office that
signs and numbers them, and each letter as recorded when sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_nik
from buildings.models import ScopedQuerySet
from visits.models.issues import AccessIssue

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
