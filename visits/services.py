"""Writes that touch several models: recording what a pantarlih found at units.

A batch of outcomes is stored in a fixed number of statements whatever its size: one
multi-row INSERT that skips the submission ids already stored, and one UPDATE that moves every
unit's status and running totals (the towers' totals follow by trigger, see
buildings.models.TowerTotals). Written as SQL because the ORM has neither an INSERT … ON
CONFLICT … RETURNING nor an UPDATE … FROM VALUES; both run on PostgreSQL and SQLite alike.
"""

import dataclasses
import datetime
import functools
import uuid

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from buildings.models import Unit
from residents.field import requests_close
from visits.models import UnitOutcome, Visit


@dataclasses.dataclass(frozen=True, slots=True)
class NewOutcome:
    """One outcome as the phone sends it and as it is stored: the write path's one definition
    of an outcome's fields. visits.forms.outcome_parse reads it from the phone's JSON,
    visits.field.outcomes_submit finds its visit and checks where it goes, outcomes_store
    writes it; the JSON's `visit` and `unit` are `visit_uuid` and `unit_id` here."""

    client_uuid: uuid.UUID | None
    visit_uuid: uuid.UUID | None  # the visit as the phone names it (Visit.client_uuid)
    unit_id: int
    outcome: str
    recorded_at: datetime.datetime
    voters_verified: int = 0
    voters_removed: int = 0
    voters_new: int = 0
    sticker: str = UnitOutcome.Sticker.NONE
    visit_id: int | None = None  # the stored visit, once found

    @property
    def content(self) -> tuple:
        """What the phone said, whatever its submission id: sent again with the same id, an
        outcome is a duplicate when this is equal, a conflict otherwise."""
        return (self.visit_uuid, self.unit_id, self.outcome, self.voters_verified,
                self.voters_removed, self.voters_new, self.sticker, self.recorded_at)  # fmt: skip

    @classmethod
    def of(cls, stored: UnitOutcome, visit_uuid: uuid.UUID | None) -> "NewOutcome":
        """A stored row, as the phone would have sent it."""
        return cls(
            visit_uuid=visit_uuid,
            visit_id=stored.visit_id,
            **{name: getattr(stored, name) for name in _COLUMNS if name != "visit_id"},
        )


# The columns an outcome is inserted with: NewOutcome's fields, with the visit by its id.
_COLUMNS = tuple(f.name for f in dataclasses.fields(NewOutcome) if f.name != "visit_uuid")


def _preparers(db) -> list:
    """For each of _COLUMNS, how its value goes to `db`: a UUID or a time as the column takes
    it (they differ per database), None where the value goes as it is."""
    return [
        functools.partial(UnitOutcome._meta.get_field(name).get_db_prep_save, connection=db)
        if name in ("client_uuid", "recorded_at")
        else None
        for name in _COLUMNS
    ]


def _insert(outcomes: list[NewOutcome]) -> list[int | None]:
    """Insert the outcomes, skipping any whose client_uuid is already stored (by an earlier
    send, or by a concurrent one: the insert then waits for it and skips). Returns each
    outcome's new id, or None where it was skipped."""
    table = UnitOutcome._meta.db_table
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its per-thread proxy
    now = UnitOutcome._meta.get_field("created_at").get_db_prep_save(timezone.now(), db)
    columns = list(zip(_COLUMNS, _preparers(db), strict=True))
    row = "(" + ", ".join(["%s"] * (len(_COLUMNS) + 1)) + ")"
    params = []
    for outcome in outcomes:
        for name, prepare in columns:
            value = getattr(outcome, name)
            params.append(value if prepare is None else prepare(value))
        params.append(now)
    sql = (
        f"INSERT INTO {table} ({', '.join(_COLUMNS)}, created_at) "
        f"VALUES {', '.join([row] * len(outcomes))} "
        "ON CONFLICT (client_uuid) DO NOTHING RETURNING id, client_uuid"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    uuid_field = UnitOutcome._meta.get_field("client_uuid")
    by_uuid, without_uuid = {}, []
    for pk, client_uuid in returned:
        if client_uuid is None:
            without_uuid.append(pk)
        else:
            by_uuid[uuid_field.to_python(client_uuid)] = pk
    without_uuid.reverse()  # rows without an id come back in the order they were given
    return [
        by_uuid.get(o.client_uuid) if o.client_uuid is not None else without_uuid.pop()
        for o in outcomes
    ]


def _units_move(outcomes: list[NewOutcome]) -> None:
    """Move each unit's status to its newest outcome by phone time, unless a newer one is
    already there, and add the outcomes to its running totals: one UPDATE for every unit.

    The status follows the newest outcome by the time it was recorded on the phone, so an
    upload that arrives late (a phone that was offline) cannot undo a more recent visit. A
    household counts once: the newest outcome's voter figure, not a sum over every visit.
    """
    per_unit: dict[int, list] = {}
    for o in outcomes:
        newest, count, refusals = per_unit.get(o.unit_id, (o, 0, 0))
        if o.recorded_at >= newest.recorded_at:
            newest = o
        per_unit[o.unit_id] = (newest, count + 1, refusals + (o.outcome in Unit.REFUSAL_STATUSES))
    units = sorted(per_unit)
    table = Unit._meta.db_table
    db = connections[DEFAULT_DB_ALIAS]
    at_field = UnitOutcome._meta.get_field("recorded_at")
    with db.cursor() as cursor:
        if len(units) > 1:
            # Rows in id order first: two batches sharing units queue instead of deadlocking.
            # (SQLite locks the whole database for a write: there is nothing to order.)
            if db.features.has_select_for_update:
                marks = ", ".join(["%s"] * len(units))
                cursor.execute(
                    f"SELECT id FROM {table} WHERE id IN ({marks}) ORDER BY id FOR UPDATE", units
                )
        params = []
        for pk in units:
            newest, count, refusals = per_unit[pk]
            at = at_field.get_db_prep_save(newest.recorded_at, db)
            params += [pk, newest.outcome, at, newest.voters_verified, count, refusals]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(units))
        newer = "(u.status_at IS NULL OR u.status_at <= v.column3)"
        # The VALUES' columns are column1…column6 on both databases.
        cursor.execute(
            f"""UPDATE {table} AS u SET
                status = CASE WHEN {newer} THEN v.column2 ELSE u.status END,
                voters_verified = CASE WHEN {newer} THEN v.column4 ELSE u.voters_verified END,
                status_at = CASE WHEN {newer} THEN v.column3 ELSE u.status_at END,
                outcome_count = u.outcome_count + v.column5,
                refusal_count = u.refusal_count + v.column6
            FROM (VALUES {values}) AS v WHERE u.id = v.column1""",
            params,
        )


def outcomes_store(
    outcomes: list[NewOutcome], *, units_asked: set[int] | None = None
) -> list[int | None]:
    """Store the outcomes whose client_uuid is new and move their units (see the module's
    docstring); returns each outcome's new id, or None where its client_uuid was already
    stored. The caller runs this in a transaction (a request is one), with the visits and
    units already checked.

    `units_asked`: the units with an open resident request, when the caller has read them
    already (visits.field.outcomes_submit reads them with the units); None to look them up.
    """
    if not outcomes:
        return []
    ids = _insert(outcomes)
    stored = [o for o, pk in zip(outcomes, ids, strict=True) if pk is not None]
    if stored:
        _units_move(stored)
        # A resident's open request for a unit closes with its outcome: one UPDATE more.
        newest = sorted(stored, key=lambda o: o.recorded_at)
        requests_close({o.unit_id: o.recorded_at for o in newest}, asked=units_asked)
    return ids


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
    """Append one outcome and move the unit's status to it (see outcomes_store).

    `client_uuid` (made on the phone) is unique: recording it a second time raises
    IntegrityError.
    """
    new = NewOutcome(
        visit_uuid=visit.client_uuid,
        visit_id=visit.pk,
        unit_id=unit.pk,
        outcome=outcome,
        recorded_at=recorded_at,
        voters_verified=voters_verified,
        voters_removed=voters_removed,
        voters_new=voters_new,
        sticker=sticker,
        client_uuid=client_uuid,
    )
    (pk,) = outcomes_store([new])
    if pk is None:
        raise IntegrityError(f"client_uuid {client_uuid} is already stored")
    return UnitOutcome(pk=pk, visit=visit, unit=unit, **_fields(new))


def _fields(new: NewOutcome) -> dict:
    return {name: getattr(new, name) for name in _COLUMNS if not name.endswith("_id")}
