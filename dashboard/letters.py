"""The KPU Kota's letter to a manager: the office that signs and numbers it, and its clock.

The letter itself is recorded by dashboard.escalation.issue_letter_sent; this module holds
the reads and small rules around it (which office, which number, until when the manager has).
"""

import datetime

from django.db.models import Max
from django.utils import timezone

from accounts.roles import KPU, has_role
from regions.models import Region
from visits.access import STEP_DAYS
from visits.models import (
    LETTER_NUMBER,
    LETTER_YEAR,
    AccessIssue,
    IssueLetter,
    LetterOffice,
    letter_number_pattern_default,
)


def letter_kota(issue: AccessIssue) -> Region | None:
    """The kota of the issue's building: its KPU Kota writes the letter. (No query when the
    issue was fetched with its building's region tree, as the issue pages do.)"""
    region = issue.building.kelurahan
    while region is not None and region.level != Region.Level.KOTA:
        region = region.parent
    return region


def letter_office(kota: Region) -> LetterOffice:
    """The kota's office as stored, or (unsaved) what a new one starts from: the chair of the
    KPU Kota signs, and letters take KPU's usual number for voter-list matters."""
    office = LetterOffice.objects.filter(kota=kota).first()
    if office is None:
        office = LetterOffice(
            kota=kota,
            signatory_name="",
            signatory_position=f"Ketua KPU {kota.name}",
            number_pattern=letter_number_pattern_default(kota.code),
        )
    return office


def letter_number(pattern: str, sequence: int | None, year: int) -> str:
    """The number as printed: 001/PL.01.2-SD/3174/2024. Without a sequence (a draft not yet
    recorded), dots stand where the number will go."""
    running = f"{sequence:03d}" if sequence else "……"
    return pattern.replace(LETTER_NUMBER, running).replace(LETTER_YEAR, str(year))


def letter_next_sequence(kota: Region, year: int) -> int:
    """The office's next running number in `year`. The caller holds a lock on the kota's
    Region row, so two letters recorded at once never take the same number."""
    last = IssueLetter.objects.filter(kota=kota, year=year).aggregate(n=Max("sequence"))["n"]
    return (last or 0) + 1


def letter_due(sent_on: datetime.date) -> datetime.datetime:
    """The letter asks for access within STEP_DAYS of its date: the end of that day, Jakarta."""
    last_day = sent_on + datetime.timedelta(days=STEP_DAYS)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(23, 59)))


def may_keep_letters(user) -> bool:
    """Who keeps a KPU Kota office's signatory and number pattern: that KPU Kota (its scope is
    the kota) and KPU Provinsi."""
    return has_role(user, KPU)
