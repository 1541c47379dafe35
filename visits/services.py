"""Writes that touch several models: recording what a pantarlih found at a unit."""

import datetime
import uuid

from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Q, Value, When

from buildings.models import Unit
from visits.models import UnitOutcome, Visit

# Outcomes that count towards "refused twice" (flagged for escalation).
REFUSALS = frozenset({Unit.Status.REFUSED, Unit.Status.SECURITY_REFUSED})


# No savepoint of its own: the caller's (visits.field.outcome_submit) already catches the
# IntegrityError of a second insert, and one savepoint fewer is two round trips fewer a unit.
@transaction.atomic(savepoint=False)
def outcome_record(
    *,
    visit: Visit,
    unit: Unit,
    outcome: str,
    recorded_at: datetime.datetime,
    voters_verified: int = 0,
    voters_removed: int = 0,
    voters_new: int = 0,
    sticker: str = UnitOutcome.Sticker.NONE,
    client_uuid: uuid.UUID | None = None,
) -> UnitOutcome:
    """Append an outcome and move the unit's status to it, unless a newer one is already there.

    The status follows the newest outcome by the time it was recorded on the phone, so an
    upload that arrives late (a phone that was offline) cannot undo a more recent visit.
    `client_uuid` (made on the phone) is unique: a second insert of it raises IntegrityError,
    which visits.field turns into "duplicate" or "conflict".
    """
    result = UnitOutcome.objects.create(
        client_uuid=client_uuid,
        visit=visit,
        unit=unit,
        outcome=outcome,
        voters_verified=voters_verified,
        voters_removed=voters_removed,
        voters_new=voters_new,
        sticker=sticker,
        recorded_at=recorded_at,
    )
    newer = Q(status_at__isnull=True) | Q(status_at__lte=recorded_at)
    Unit.objects.filter(pk=unit.pk).update(
        status=Case(When(newer, then=Value(outcome)), default=F("status")),
        status_at=Case(When(newer, then=Value(recorded_at)), default=F("status_at")),
        outcome_count=F("outcome_count") + 1,
        refusal_count=F("refusal_count") + (1 if outcome in REFUSALS else 0),
        # A household counts once: the newest outcome's figure, not a sum over every visit.
        voters_verified=Case(
            When(newer, then=Value(voters_verified, output_field=PositiveIntegerField())),
            default=F("voters_verified"),
        ),
    )
    return result
