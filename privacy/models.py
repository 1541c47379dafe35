from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import phone_field_clean
from accounts.validators import free_text, validate_no_nik


class PrivacyContact(models.Model):
    """Where a person sends a request about their data (a copy, a correction, erasure).

    One row (pk 1), kept by KPU Provinsi in the admin and shown on the privacy notice.
    """

    office = models.CharField(
        _("office"),
        max_length=200,
        validators=[validate_no_nik],
        help_text=_("Who answers, e.g. PPID KPU Provinsi DKI Jakarta."),
    )
    email = models.EmailField(_("email"), blank=True, validators=[validate_no_nik])
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_no_nik])
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[validate_no_nik]
    )
    hours = models.CharField(
        _("office hours"),
        max_length=150,
        blank=True,
        validators=[validate_no_nik],
        help_text=_("e.g. Mon–Fri 08.00–16.00 WIB."),
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
        verbose_name = _("contact for data requests")
        verbose_name_plural = _("contact for data requests")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="privacy_privacycontact_one"),
            models.CheckConstraint(
                condition=~models.Q(email="", phone="", address=""),
                name="privacy_privacycontact_reachable",
            ),
        ]

    def __str__(self):
        return self.office

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.phone = phone_field_clean(self.phone, "phone")

    @classmethod
    def current(cls) -> "PrivacyContact | None":
        return cls.objects.filter(pk=1).first()


class RetentionHold(models.Model):
    """A period whose records retention must not remove yet, and why (a dispute at Bawaslu,
    DKPP or the Constitutional Court needs the evidence). Lifted by deleting the row."""

    period = models.OneToOneField(
        "visits.CoklitPeriod",
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=1000, validators=free_text(1000))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention hold")
        verbose_name_plural = _("retention holds")

    def __str__(self):
        return f"{self.period}: {self.reason[:60]}"


class RetentionRun(models.Model):
    """One run of retention that removed something: when, under which rule, and how many of
    each kind per period (never the values). Written by privacy.retention, read in the admin
    by KPU Provinsi; its audit row carries the same counts."""

    ran_at = models.DateTimeField(_("ran at"))
    days = models.PositiveIntegerField(_("days after the period closed"))
    counts = models.JSONField(_("removed"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the nightly run."),
    )

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at"]

    def __str__(self):
        return _("Retention %(at)s") % {"at": f"{timezone.localtime(self.ran_at):%Y-%m-%d %H:%M}"}
