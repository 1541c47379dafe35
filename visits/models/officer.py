"""The pantarlih's own photo on the officer card."""

import secrets
import string

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_nik


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
