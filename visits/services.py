"""Writes that touch several models: recording what a pantarlih found at a unit."""

import datetime
import uuid

from django.db import transaction
from django.db.models import Q

from buildings.models import Unit
from visits.models import UnitOutcome, Visit


@transaction.atomic
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
    Unit.objects.filter(pk=unit.pk).filter(
        Q(status_at__isnull=True) | Q(status_at__lte=recorded_at)
    ).update(status=outcome, status_at=recorded_at)
    return result
