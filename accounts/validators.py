"""Guards that keep NIK and KK numbers out of everything we store.

Both are 16 digits with the same structure: a region code (province, kabupaten/kota,
kecamatan), a date (birth date, +40 for women, on a NIK; the issue date on a KK number) and a
serial. Any 16 digits with that structure, written plainly or in groups, inside any text, are
refused before they reach the database. Two phone numbers written side by side also make long
runs of digit groups, so a run is only refused when some of its whole groups add up to 16
digits that have the structure.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from lokal import parse_nik

# Digit groups joined by single spaces, dots or dashes, not part of a longer number.
_DIGIT_RUN = re.compile(r"(?<![\d])\d+(?:[ .\-]\d+)*(?![\d])")
_SEPARATOR = re.compile(r"[ .\-]")

NIK_MESSAGE = _(
    "This looks like a NIK or KK number (16 digits). Those numbers must never be stored "
    "here; remove it and try again."
)


def _has_nik_structure(digits: str) -> bool:
    return parse_nik(digits).valid


def contains_nik(value) -> bool:
    """True when the text holds something that looks like a NIK or KK number."""
    if not value:
        return False
    for run in _DIGIT_RUN.findall(str(value)):
        groups = _SEPARATOR.split(run)
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) == 16 and _has_nik_structure(digits):
                    return True
                if len(digits) >= 16:
                    break
    return False


def validate_no_nik(value) -> None:
    if contains_nik(value):
        raise ValidationError(NIK_MESSAGE, code="nik")
