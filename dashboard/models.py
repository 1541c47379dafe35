import posixpath
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _export_path(job, filename):
    # A random folder: the file is never guessable, even where MEDIA_ROOT is served.
    return f"exports/{uuid.uuid4().hex}/{filename}"


class ExportJob(models.Model):
    """An export too large to build inside a request: built by a Celery task, downloaded later."""

    class Kind(models.TextChoices):
        COVERAGE = "coverage", _("Coverage by area")
        BUILDINGS = "buildings", _("Coverage by building")
        ISSUES = "issues", _("Access issues")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("region code"), max_length=13)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), upload_to=_export_path, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["coverage", "buildings", "issues"]),
                name="dashboard_exportjob_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["csv", "xlsx"]), name="dashboard_exportjob_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "done", "failed"]),
                name="dashboard_exportjob_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="dashboard_export_owner")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code} ({self.get_status_display()})"

    @property
    def filename(self) -> str:
        """The name the file was built under (cakupan-jakarta-selatan-2024-07-09.xlsx, see
        dashboard.exports.export_filename); before that, a placeholder of its kind and code."""
        if self.file:
            return posixpath.basename(self.file.name)
        return f"{self.kind}-{self.code.replace('.', '')}.{self.format}"
