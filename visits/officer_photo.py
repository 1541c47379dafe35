"""The officer's own photo on the officer card: added, replaced or removed by its owner only.

What is stored is a small face photo (CARD_PHOTO_SIZE), re-encoded from pixels so no metadata
(GPS position, phone model, time) survives, under a random name. Each change leaves an audit
row naming who changed it and the file names, never the picture.
"""

import io

from django import forms
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from accounts.audit import CREATE, DELETE, UPDATE, audit_bulk
from accounts.models import User
from visits.forms import photo_clean
from visits.models import OfficerPhoto

# 3:4 like the photo on an ID card; enough for a guard to recognise a face on a phone.
CARD_PHOTO_SIZE = (360, 480)


class OfficerPhotoForm(forms.Form):
    # Kept beside its service rather than in visits/forms.py: this feature is one small module.
    photo = forms.FileField(
        label=_("Photo of yourself"),
        help_text=_("Your face, from the front, like on an ID card."),
        error_messages={"required": _("Choose a photo, or take one with the camera, first.")},
        widget=forms.FileInput(
            # field.js shrinks a [data-shrink] file to 1280 px on the phone before it is sent.
            attrs={"accept": "image/*", "capture": "user", "data-shrink": ""}
        ),
    )

    def clean_photo(self):
        return photo_clean(self.cleaned_data["photo"])


def _card_sized(photo) -> ContentFile:
    """The photo cropped to 3:4 around its upper middle (where a face is) and shrunk."""
    photo.seek(0)
    with Image.open(photo) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image = ImageOps.fit(image, CARD_PHOTO_SIZE, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
        out = io.BytesIO()
        # Encoded from pixels with no exif= argument: nothing but the picture is written.
        image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="officer.jpg")


def _file_delete_after_commit(name: str) -> None:
    storage = OfficerPhoto._meta.get_field("photo").storage
    # After the commit: a rolled-back change keeps the photo the row still points at.
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def officer_photo_set(*, officer: User, photo, by: User | None) -> OfficerPhoto:
    """Store `photo` (an image photo_clean accepted) as the officer's card photo, replacing
    and deleting any earlier one."""
    record = OfficerPhoto.objects.select_for_update().filter(officer=officer).first()
    before = record.photo.name if record else ""
    record = record or OfficerPhoto(officer=officer)
    record.photo.save("officer.jpg", _card_sized(photo), save=False)
    record.save()
    action = UPDATE if before else CREATE
    audit_bulk(
        OfficerPhoto,
        [(officer.pk, str(officer), action, {"photo": (before, record.photo.name)})],
        actor=by,
    )
    if before:
        _file_delete_after_commit(before)
    return record


@transaction.atomic
def officer_photo_remove(*, officer: User, by: User | None) -> bool:
    """Remove the officer's card photo and its file; False if there was none."""
    record = OfficerPhoto.objects.select_for_update().filter(officer=officer).first()
    if record is None:
        return False
    name = record.photo.name
    record.delete()
    audit_bulk(OfficerPhoto, [(officer.pk, str(officer), DELETE, {"photo": (name, "")})], actor=by)
    _file_delete_after_commit(name)
    return True


def officer_photo_of(officer: User) -> OfficerPhoto | None:
    """The officer's card photo, if any (the only way the views read one)."""
    return OfficerPhoto.objects.filter(officer=officer).first()
