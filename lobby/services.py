"""Writes of the residents' side: a building's public link, and a resident's visit request."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from buildings.models import Building, Unit
from residents.models import PublicLink, VisitRequest, token_new
from visits.models import CoklitPeriod


def public_link_current(building: Building, *, by: User | None = None) -> PublicLink:
    """The building's current public link, made the first time someone needs its poster."""
    link = PublicLink.objects.filter(building=building, retired_at__isnull=True).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return PublicLink.objects.create(building=building, token=token_new(), created_by=by)
    except IntegrityError:  # made at the same moment by another request
        return PublicLink.objects.get(building=building, retired_at__isnull=True)


@transaction.atomic
def public_link_rotate(*, building: Building, by: User) -> PublicLink:
    """Retire the building's public link and make a new one: posters printed before now open
    a page that says they are outdated and gives the new address."""
    PublicLink.objects.filter(building=building, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    return PublicLink.objects.create(building=building, token=token_new(), created_by=by)


def period_open_today() -> CoklitPeriod | None:
    """The coklit period residents may ask visits in: the latest one open today."""
    return CoklitPeriod.objects.open_on(timezone.localdate()).order_by("-starts_on").first()


def visit_request_submit(
    *,
    period: CoklitPeriod,
    unit: Unit,
    best_time: str,
    note: str = "",
    callback_phone: str = "",
    now: datetime.datetime | None = None,
) -> VisitRequest:
    """Ask for a visit to a unit; a second ask for the same unit merges into the open request
    (newest best time, and the newest note and number when given).

    The caller answers the resident the same way whatever happened here: merged or new, and
    whatever the unit's status, so that the answer tells nobody about the unit.
    """
    now = now or timezone.now()
    for _attempt in range(2):
        existing = (
            VisitRequest.objects.select_for_update()
            .filter(unit=unit, period=period, status=VisitRequest.Status.OPEN)
            .first()
        )
        if existing is not None:
            existing.best_time = best_time
            existing.note = note or existing.note
            existing.callback_phone = callback_phone or existing.callback_phone
            existing.times_asked = F("times_asked") + 1
            existing.last_asked_at = now
            existing.save(
                update_fields=[
                    "best_time",
                    "note",
                    "callback_phone",
                    "times_asked",
                    "last_asked_at",
                ]
            )
            existing.refresh_from_db(fields=["times_asked"])
            return existing
        try:
            with transaction.atomic():
                return VisitRequest.objects.create(
                    period=period,
                    building_id=unit.tower.building_id,
                    tower_id=unit.tower_id,
                    unit=unit,
                    best_time=best_time,
                    note=note,
                    callback_phone=callback_phone,
                    created_at=now,
                    last_asked_at=now,
                )
        except IntegrityError:  # the same unit asked at the same moment: merge into that one
            continue
    raise RuntimeError("visit request neither created nor merged")
