"""Guards that keep NIK and KK numbers out of everything we store.

Both are 16 digits with the same structure: a region code (province, kabupaten/kota,
kecamatan), a date (birth date, +40 for women, on a NIK; the issue date on a KK number) and a
serial. Any 16 digits with that structure, written plainly or in groups, inside any text, are
refused before they reach the database. Two phone numbers written side by side also make long
runs of digit groups, so a run is only refused when some of its whole groups add up to 16
digits that have the structure.
"""

import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from lokal import parse_nik

# Before looking for digits the text is normalised, so a NIK cannot hide (issue #13): NFKC
# (full-width digits), any Unicode decimal digit as its ASCII digit (Arabic-Indic, Devanagari,
# ...), format characters removed (zero-width spaces and joiners, soft hyphens), and a letter
# O, o, I or l between two digits read as the digit it imitates.
# Digit groups are then joined across up to three separator characters of any kind (spaces,
# tabs, line breaks, / _ , . -), so "3174 / 0812 / 0390 / 0001" is one run.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]+(?:[\W_]{1,3}[0-9]+)*(?![0-9])")
_GROUP = re.compile(r"[0-9]+")
_LOOK_ALIKE = {"O": "0", "o": "0", "I": "1", "l": "1"}
# A time of day (09:08, 09:08:12.123456, a +07:00 offset) is not part of a number: without this,
# a timestamp such as "2026-12-03 09:08:12.123456" joins into 16 digits that can read as a NIK.
_TIME = re.compile(
    r"(?<![0-9])(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]{1,6})?)?(?![0-9])"
)

NIK_MESSAGE = _(
    "This looks like a NIK or KK number (16 digits). Those numbers must never be stored "
    "here; remove it and try again."
)


@functools.lru_cache(maxsize=4096)
def _has_nik_structure(digits: str) -> bool:
    return parse_nik(digits).valid


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text as the guard reads it, and for each of its characters the index of the
    original character it came from (so a redaction can cut the original)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            chars.append(char)
            origin.append(index)
            continue
        if unicodedata.category(char) == "Cf":
            continue  # zero-width space, joiners, soft hyphen, bidi marks
        digit = unicodedata.decimal(char, None)
        for part in str(digit) if digit is not None else unicodedata.normalize("NFKC", char):
            chars.append(part)
            origin.append(index)
    for i in range(1, len(chars) - 1):
        if chars[i] in _LOOK_ALIKE and chars[i - 1].isdigit() and chars[i + 1].isdigit():
            chars[i] = _LOOK_ALIKE[chars[i]]
    text = "".join(chars)
    if ":" in text:
        # Same length, so `origin` still maps each character back.
        text = _TIME.sub(lambda match: "x" * len(match.group()), text)
    return text, origin


def _nik_spans(normalised: str) -> list[tuple[int, int]]:
    """(start, end) in the normalised text of every digit sequence that reads as a NIK."""
    spans = []
    for run in _DIGIT_RUN.finditer(normalised):
        groups = [(g.start() + run.start(), g.group()) for g in _GROUP.finditer(run.group())]
        for first in range(len(groups)):
            digits = ""
            for position, group in groups[first : first + 16]:  # 16 groups hold 16 digits
                digits += group
                if len(digits) == 16 and _has_nik_structure(digits):
                    spans.append((groups[first][0], position + len(group)))
                    break
                if len(digits) >= 16:
                    break
    return spans


def contains_nik(value) -> bool:
    """True when the text holds something that looks like a NIK or KK number."""
    if not value:
        return False
    text = str(value)
    if not any(char.isdigit() for char in text):
        return False
    return bool(_nik_spans(_normalised(text)[0]))


def free_text(max_length: int) -> list:
    """Validators of a TextField a person types into: the NIK guard and a length cap (a
    TextField's max_length reaches only its form field, so the model checks it too)."""
    from django.core.validators import MaxLengthValidator

    return [validate_no_nik, MaxLengthValidator(max_length)]


NIK_REDACTED = "[NIK/KK dihapus]"


def nik_redact(value: str) -> str:
    """`value` with every NIK-looking sequence replaced by NIK_REDACTED, the rest kept."""
    normalised, origin = _normalised(value)
    spans = _nik_spans(normalised)
    if not spans:
        return value
    out, cursor = [], 0
    for start, end in sorted(spans):
        first, last = origin[start], origin[end - 1] + 1
        if first < cursor:
            continue  # overlaps a span already cut
        out.append(value[cursor:first])
        out.append(NIK_REDACTED)
        cursor = last
    out.append(value[cursor:])
    return "".join(out)


def validate_no_nik(value) -> None:
    if contains_nik(value):
        raise ValidationError(NIK_MESSAGE, code="nik")


def _guarded_fields(model) -> list:
    """The fields of `model` that carry the NIK guard (cached on the model's options)."""
    fields = getattr(model._meta, "_nik_guarded_fields", None)
    if fields is None:
        fields = [
            f
            for f in model._meta.concrete_fields
            if validate_no_nik in getattr(f, "validators", ())
        ]
        model._meta._nik_guarded_fields = fields
    return fields


def guard_before_save(sender, instance, raw=False, **kwargs) -> None:
    """Refuse to save a row whose guarded text holds a NIK or passes its length cap.

    Forms show the same check as a message first (the validators are on the model fields);
    this is the last line for code that saves without a form - a service, a task, the shell -
    so no path can forget it. Connected to pre_save for every model in accounts.apps; bulk
    writes (bulk_create, update) are checked by their callers.
    """
    if raw:
        return  # fixtures and migrations load data as it was
    errors = {}
    for field in _guarded_fields(sender):
        value = field.value_from_object(instance)
        if value in (None, ""):
            continue
        for validator in field.validators:
            try:
                validator(value)
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


# --- TPS numbers ---------------------------------------------------------------------------------

# KPU numbers the polling stations of a kelurahan with three digits: 001, 012, 245.
_TPS = re.compile(r"[0-9]{3}")
_TPS_SHORT = re.compile(r"[0-9]{1,3}")
_TPS_WORD = re.compile(r"^tps\s*", re.IGNORECASE)

TPS_MESSAGE = _("A TPS number is three digits, as KPU numbers them (for example 012).")


def tps_normalize(value) -> str:
    """A TPS as people type it, the way KPU writes it: "12", 12, 12.0 (Excel dropped the 0),
    "TPS 12" all read as "012". Anything else comes back trimmed, for validate_tps to refuse."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _TPS_WORD.sub("", str(value if value is not None else "").strip())
    return text.zfill(3) if _TPS_SHORT.fullmatch(text) else text


def validate_tps(value) -> None:
    if not _TPS.fullmatch(str(value or "")) or value == "000":
        raise ValidationError(TPS_MESSAGE, code="tps")
