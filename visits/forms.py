"""Forms of the field pages: a unit's outcome, a visit's start and end, a photo."""

import io

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.fields import BoundedDateTimeField
from accounts.validators import validate_no_nik
from visits.models import OUTCOME_CHOICES, AccessIssue, UnitOutcome, Visit

# The phone resizes a photo to 1280 px before sending (static/js/field.js); anything bigger
# than this did not come through that path and is refused rather than stored.
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PHOTO_MAX_PIXELS = 40_000_000
MAX_VOTERS = 99


class OutcomeForm(forms.Form):
    """What a pantarlih found at one unit. The common case is one tap on an outcome."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    voters_verified = forms.IntegerField(
        label=_("Voters verified"), min_value=0, max_value=MAX_VOTERS, required=False
    )
    voters_removed = forms.IntegerField(
        label=_("Voters removed"), min_value=0, max_value=MAX_VOTERS, required=False
    )
    voters_new = forms.IntegerField(
        label=_("New voters"), min_value=0, max_value=MAX_VOTERS, required=False
    )
    # No default: for "coklit done" the officer says what happened to the sticker (Bawaslu
    # audits it); a rushed tap must not store "no sticker" that nobody chose.
    sticker = forms.ChoiceField(
        label=_("Sticker"),
        choices=UnitOutcome.Sticker.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    # Set when the form is shown, so the same form sent twice has the same content.
    recorded_at = BoundedDateTimeField(
        label=_("Recorded at"), widget=forms.HiddenInput, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == UnitOutcome.Outcome.DONE:
            # What Bawaslu audits is said, never defaulted: the sticker and the voters found.
            if not data.get("sticker") and "sticker" not in self.errors:
                self.add_error(
                    "sticker",
                    _("Coklit done: say whether the sticker was placed (Bawaslu checks it)."),
                )
            if data.get("voters_verified") is None and "voters_verified" not in self.errors:
                self.add_error(
                    "voters_verified",
                    _("Coklit done: enter the number of voters verified (0 if none)."),
                )
        for name in ("voters_verified", "voters_removed", "voters_new"):
            data[name] = data.get(name) or 0
        data["sticker"] = data.get("sticker") or UnitOutcome.Sticker.NONE
        return data


class OutcomeItemForm(OutcomeForm):
    """One outcome in the phone's JSON batch: the form above plus where and when."""

    visit = forms.UUIDField(label=_("Visit"))
    unit = forms.IntegerField(label=_("Unit"), min_value=1)
    recorded_at = BoundedDateTimeField(label=_("Recorded at"))

    def __init__(self, data=None, *args, **kwargs):
        # JSON gives numbers, booleans, lists and objects where a POST only gives strings;
        # Django's fields expect strings, so numbers become text and the rest is refused.
        self.wrong_type = []
        if data is not None:
            data = dict(data)
            for name, value in data.items():
                if isinstance(value, bool) or isinstance(value, (list, dict)):
                    self.wrong_type.append(name)
                    data[name] = None
                elif isinstance(value, (int, float)):
                    data[name] = str(value)
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        for name in self.wrong_type:
            if name in self.fields:
                self.add_error(name, _("Expected a single value."))
        return data


class _SharedFields(dict):
    """The fields of a batch's item forms, shared by all of them instead of a deep copy for
    each: those forms are validated and never rendered, and validating does not change a
    field. The copies were a third of the CPU of a batch of 50."""

    def __deepcopy__(self, memo):
        return self


OutcomeItemForm.base_fields = _SharedFields(OutcomeItemForm.base_fields)


class FloorForm(forms.Form):
    floor = forms.IntegerField(label=_("Floor"), min_value=-10, max_value=150)
    # Blank by default: one tap must not mark a whole floor with an outcome nobody chose.
    # "Coklit done" is not offered: it needs each unit's voters and sticker, one by one.
    outcome = forms.ChoiceField(
        label=_("Outcome for every unit not visited yet"),
        choices=[("", _("Choose an outcome"))]
        + [c for c in OUTCOME_CHOICES if c[0] != UnitOutcome.Outcome.DONE],
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)


def photo_clean(upload) -> ContentFile:
    """A size-capped, content-checked image, re-encoded as JPEG with no metadata at all.

    Re-encoding from pixels drops EXIF (GPS position, phone model, time) whatever the
    original format carried; the orientation is applied first so the photo stays upright.
    """
    if upload.size > PHOTO_MAX_BYTES:
        raise forms.ValidationError(
            _("The photo is too large (%(size)d KB; at most %(max)d KB)."),
            code="photo_size",
            params={"size": upload.size // 1024, "max": PHOTO_MAX_BYTES // 1024},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP"):
                raise UnidentifiedImageError(probe.format)
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise UnidentifiedImageError("too many pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise forms.ValidationError(
            _("The photo is not an image we can read (JPEG, PNG or WebP)."), code="photo_type"
        ) from error
    return ContentFile(out.getvalue(), name="visit.jpg")


class IssueFieldsMixin(forms.Form):
    """Raising an access issue in the same step as the visit that was turned away."""

    issue_kind = forms.ChoiceField(
        label=_("What happened"),
        choices=AccessIssue.Kind.choices,
        initial=AccessIssue.Kind.SECURITY_REFUSED,
        required=False,
    )
    issue_description = forms.CharField(
        label=_("Describe the access problem"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[validate_no_nik],
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("access") == Visit.Access.DENIED and not data.get("issue_description"):
            self.add_error(
                "issue_description",
                _("Access was denied: say what happened, so the access issue can be raised."),
            )
        if not data.get("issue_kind"):
            data["issue_kind"] = AccessIssue.Kind.SECURITY_REFUSED
        return data


class VisitStartForm(IssueFieldsMixin):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    started_at = BoundedDateTimeField(widget=forms.HiddenInput)
    access = forms.ChoiceField(
        label=_("Access"),
        choices=Visit.Access.choices,
        initial=Visit.Access.GRANTED,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[validate_no_nik],
        max_length=2000,
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), min_value=-90, max_value=90, decimal_places=6, max_digits=9,
        required=False, widget=forms.HiddenInput,
    )  # fmt: skip
    longitude = forms.DecimalField(
        label=_("Longitude"), min_value=-180, max_value=180, decimal_places=6, max_digits=9,
        required=False, widget=forms.HiddenInput,
    )  # fmt: skip
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*", "capture": "environment", "data-shrink": ""}
        ),
    )

    field_order = ["access", "note", "issue_kind", "issue_description", "photo"]

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        return None if value is None else round(value, 6)

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        return None if value is None else round(value, 6)

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return photo_clean(upload) if upload else None


class VisitEndForm(IssueFieldsMixin):
    access = forms.ChoiceField(
        label=_("Access"), choices=Visit.Access.choices, initial=Visit.Access.GRANTED
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[validate_no_nik],
        max_length=2000,
    )

    # Access first: the issue fields below it only matter when access was partial or denied.
    field_order = ["access", "issue_kind", "issue_description", "note"]

    def clean(self):
        if self.data.get("access") == Visit.Access.GRANTED:
            # The phone hides the issue fields when access was granted (static/js/field.js):
            # whatever was left in them raises no issue and blocks nothing.
            for name in ("issue_kind", "issue_description"):
                self.errors.pop(name, None)
                self.cleaned_data[name] = ""
        return super().clean()
