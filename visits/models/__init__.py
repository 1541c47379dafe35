"""The coklit's models, one module per topic; every name is re-exported here, so
`from visits.models import Visit` works wherever the model lives.

periods    CoklitPeriod, Assignment (who covers which building in which period)
schedules  Schedule (door-to-door visits and posko days)
outcomes   Visit, UnitOutcome (a trip to a building, what was found at each unit)
issues     AccessIssue, AccessIssueEvent (the escalation ladder)
letters    LetterOffice, IssueLetter (the KPU Kota's letters to managers)
officer    OfficerPhoto (the photo on the officer card)
"""

from visits.models.issues import (
    AccessIssue,
    AccessIssueEvent,
    AccessIssueEventAction,
    AccessIssueEventQuerySet,
    AccessIssueKind,
    AccessIssueLevel,
    AccessIssueStatus,
)
from visits.models.letters import (
    LETTER_NUMBER,
    LETTER_YEAR,
    IssueLetter,
    IssueLetterQuerySet,
    LetterOffice,
    letter_number_pattern_default,
    validate_letter_number_pattern,
    validate_nip,
)
from visits.models.officer import OfficerPhoto
from visits.models.officer import _officer_photo_path as _officer_photo_path  # migration 0006
from visits.models.outcomes import (
    OUTCOME_CHOICES,
    Sticker,
    UnitOutcome,
    UnitOutcomeQuerySet,
    Visit,
    VisitAccess,
)
from visits.models.periods import Assignment, CoklitPeriod, CoklitPeriodQuerySet
from visits.models.schedules import Schedule, ScheduleKind, ScheduleQuerySet, ScheduleStatus

__all__ = [
    "LETTER_NUMBER",
    "LETTER_YEAR",
    "OUTCOME_CHOICES",
    "AccessIssue",
    "AccessIssueEvent",
    "AccessIssueEventAction",
    "AccessIssueEventQuerySet",
    "AccessIssueKind",
    "AccessIssueLevel",
    "AccessIssueStatus",
    "Assignment",
    "CoklitPeriod",
    "CoklitPeriodQuerySet",
    "IssueLetter",
    "IssueLetterQuerySet",
    "LetterOffice",
    "OfficerPhoto",
    "Schedule",
    "ScheduleKind",
    "ScheduleQuerySet",
    "ScheduleStatus",
    "Sticker",
    "UnitOutcome",
    "UnitOutcomeQuerySet",
    "Visit",
    "VisitAccess",
    "letter_number_pattern_default",
    "validate_letter_number_pattern",
    "validate_nip",
]
