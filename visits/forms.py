"""Forms of the field pages: a unit's outcome, a visit's start and end, a photo."""

import io
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.fields import BoundedDateTimeField
from accounts.validators import validate_no_nik
from visits.models import OUTCOME_CHOICES, AccessIssue, UnitOutcome, Visit
from visits.services import NewOutcome

# The phone resizes a photo to 1280 px before sending (static/js/field.js); anything bigger
# than this did not come through that path and is refused rather than stored.
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PHOTO_MAX_PIXELS = 40_000_000
MAX_VOTERS = 99


# Coklit done says what Bawaslu audits, never defaulted: the sticker and the voters found.
DONE_NEEDS_STICKER = _("Coklit done: say whether the sticker was placed (Bawaslu checks it).")
DONE_NEEDS_VOTERS = _("Coklit done: enter the number of voters verified (0 if none).")


def outcome_done_problems(data: dict, refused) -> dict[str, str]:
    """What a "coklit done" lacks, by field: `data` as cleaned, `refused` the fields that
    already have an error (each says one thing at a time)."""
    if data.get("outcome") != UnitOutcome.Outcome.DONE:
        return {}
    problems = {}
    if not data.get("sticker") and "sticker" not in refused:
        problems["sticker"] = DONE_NEEDS_STICKER
    if data.get("voters_verified") is None and "voters_verified" not in refused:
        problems["voters_verified"] = DONE_NEEDS_VOTERS
    return problems


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
        for name, problem in outcome_done_problems(data, self.errors).items():
            self.add_error(name, problem)
        for name in ("voters_verified", "voters_removed", "voters_new"):
            data[name] = data.get(name) or 0
        data["sticker"] = data.get("sticker") or UnitOutcome.Sticker.NONE
        return data


# --- The phone's JSON batch ------------------------------------------------------------------
#
# Each item of a batch is checked by the rules of OutcomeForm's fields, with the same messages
# (Django's own, translated by Django), without a Form: building and validating a Form per item
# was most of the CPU of a batch of 50. A field refused is named with every message it earns,
# as a Form would list them.

_EMPTY = (None, "", [], (), {})
_REQUIRED = forms.Field.default_error_messages["required"]
_INVALID_CHOICE = forms.ChoiceField.default_error_messages["invalid_choice"]
_INVALID_NUMBER = forms.IntegerField.default_error_messages["invalid"]
_INVALID_UUID = forms.UUIDField.default_error_messages["invalid"]
_TRAILING_ZEROS = re.compile(r"\.0*\s*$")  # "3.0" is 3, as IntegerField.re_decimal reads it
NOT_A_SINGLE_VALUE = _("Expected a single value.")


class _Refused(Exception):
    def __init__(self, message, **params):
        self.message = str(message) % params if params else str(message)


def _choice(choices, required: bool):
    valid = frozenset(str(value) for value, _label in choices)

    def parse(value):
        if value in _EMPTY:
            if required:
                raise _Refused(_REQUIRED)
            return ""
        value = str(value)
        if value not in valid:
            raise _Refused(_INVALID_CHOICE, value=value)
        return value

    return parse


def _integer(low: int, high: int | None, required: bool):
    def parse(value):
        if value in _EMPTY:
            if required:
                raise _Refused(_REQUIRED)
            return None
        if type(value) is int:
            number = value
        else:
            try:
                number = int(_TRAILING_ZEROS.sub("", str(value)))
            except (ValueError, TypeError):
                raise _Refused(_INVALID_NUMBER) from None
        if high is not None and number > high:
            raise _Refused(MaxValueValidator.message, limit_value=high)
        if number < low:
            raise _Refused(MinValueValidator.message, limit_value=low)
        return number

    return parse


def _uuid(value):
    text = "" if value in _EMPTY else str(value).strip()
    if not text:
        raise _Refused(_REQUIRED)
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _Refused(_INVALID_UUID) from None


_MOMENT = BoundedDateTimeField()


def _moment(value):
    # The field's own parsing: ISO 8601 first, then the active language's formats, a naive
    # time read in Jakarta time, and dates outside 2000-2100 refused.
    if isinstance(value, (int, float)):
        value = str(value)
    try:
        moment = _MOMENT.to_python(value)
    except ValidationError as error:
        raise _Refused(" ".join(error.messages)) from None
    if moment is None:
        raise _Refused(_REQUIRED)
    return moment


# The rule of each NewOutcome field the phone sends (all but the visit's id, found from its
# UUID), in the order a Form lists its errors; and the phone's names that differ.
OUTCOME_RULES = {
    "outcome": _choice(OUTCOME_CHOICES, required=True),
    "voters_verified": _integer(0, MAX_VOTERS, required=False),
    "voters_removed": _integer(0, MAX_VOTERS, required=False),
    "voters_new": _integer(0, MAX_VOTERS, required=False),
    "sticker": _choice(UnitOutcome.Sticker.choices, required=False),
    "client_uuid": _uuid,
    "recorded_at": _moment,
    "visit_uuid": _uuid,
    "unit_id": _integer(1, None, required=True),
}
PHONE_NAMES = {"visit_uuid": "visit", "unit_id": "unit"}


def outcome_parse(item: dict) -> tuple[NewOutcome | None, dict[str, str]]:
    """One item of the phone's batch as an outcome to store, or the errors of its fields
    (by the names the phone uses, each field's messages in one string)."""
    data, errors, wrong_type = {}, {}, []
    for field, parse in OUTCOME_RULES.items():
        name = PHONE_NAMES.get(field, field)
        value = item.get(name)
        if isinstance(value, (bool, list, dict)):
            # JSON gives numbers, booleans, lists and objects where a form post gives text:
            # a number is read as its text (by each rule), anything else is refused.
            wrong_type.append(name)
            value = None
        try:
            data[field] = parse(value)
        except _Refused as refused:
            errors[name] = [refused.message]
    for name, problem in outcome_done_problems(data, errors).items():
        errors[name] = [str(problem)]
    for name in wrong_type:
        errors.setdefault(name, []).append(str(NOT_A_SINGLE_VALUE))
    if errors:
        return None, {name: " ".join(messages) for name, messages in errors.items()}
    data["sticker"] = data["sticker"] or UnitOutcome.Sticker.NONE
    for name in ("voters_verified", "voters_removed", "voters_new"):
        data[name] = data[name] or 0
    return NewOutcome(**data), {}


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
