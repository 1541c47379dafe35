"""What the pantarlih's field pages (visits) read of residents' requests, and the one write
they make: recording an outcome for a unit closes its open request.

Imports only residents.models, so `visits` may call it without importing the public pages.
"""

import datetime

from django.db.models import Case, DateTimeField, Q, QuerySet, Value, When
from django.utils import timezone

from residents.models import VisitRequest

# A request stays on the field pages while its period is open, and a day after, like the
# outcomes (visits.field.CLOSED_AFTER).
SHOWN_AFTER_PERIOD = datetime.timedelta(days=1)


def open_now() -> QuerySet:
    """Open requests of a period open today, or closed since yesterday."""
    today = timezone.localdate()
    return VisitRequest.objects.open().filter(period__ends_on__gte=today - SHOWN_AFTER_PERIOD)


def open_requests_by_unit(tower_id: int) -> dict[int, str]:
    """Unit id → the best time its residents gave, for the tower's open requests (one query)."""
    return dict(open_now().filter(tower=tower_id).values_list("unit_id", "best_time"))


def open_request_for_unit(unit_id: int) -> VisitRequest | None:
    return open_now().filter(unit=unit_id).first()


def open_requests_in(building_ids) -> list[VisitRequest]:
    """The open requests of these buildings, by tower and unit, for today's page (one query)."""
    return list(
        open_now()
        .filter(building__in=building_ids)
        .select_related("tower", "unit")
        .order_by("tower__name", "unit__floor", "unit__number")
    )


def requests_close(visited: dict[int, datetime.datetime], *, asked: set[int] | None = None) -> int:
    """Close the open requests of units just visited (one UPDATE for a whole batch).

    `visited`: unit id → when the newest outcome stored for it was recorded. A request asked
    after that time stays open: the resident asked after the officer had been. Its callback
    number goes with it: the visit it asked for has happened. `asked`: the units with an open
    request, when the caller read them already (visits reads them with the units); None to
    look them up here.
    """
    if not visited:
        return 0
    if asked is None:
        # Most batches touch no unit with an open request: one light look-up first, and the
        # UPDATE (whose expression grows with the batch) only for the units that have one.
        requests = VisitRequest.objects.open().filter(unit__in=list(visited))
        asked = {
            u
            for u, created in requests.values_list("unit_id", "created_at")
            if created <= visited[u]
        }
    if not asked:
        return 0
    visited = {unit_id: at for unit_id, at in visited.items() if unit_id in asked}
    asked_before = Q()
    for unit_id, at in visited.items():
        asked_before |= Q(unit=unit_id, created_at__lte=at)
    when = Case(
        *(When(unit=unit_id, then=Value(at)) for unit_id, at in visited.items()),
        output_field=DateTimeField(),
    )
    return (
        VisitRequest.objects.open()
        .filter(asked_before)
        .update(status=VisitRequest.Status.VISITED, visited_at=when, callback_phone="")
    )
