from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    KOTA = "kota", _("Kota / kabupaten")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")


class Region(models.Model):
    """A kota/kabupaten, kecamatan or kelurahan of DKI Jakarta, keyed by its Kemendagri code.

    "Inside this kota" is a prefix test on the dotted code (31.74 → 31.74.05.1003), which the
    code's index serves; that is how every role's scope is expressed.
    """

    Level = RegionLevel

    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        # Moved here from buildings: the table keeps its name (migrations regions/0001).
        db_table = "buildings_region"
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=RegionLevel.values),
                name="buildings_region_level_valid",
            ),
        ]
        indexes = [models.Index(fields=["level", "name"], name="buildings_region_level_name")]

    def __str__(self):
        return f"{self.name} ({self.code})"
