"""'Permintaan warga' on the staff dashboards and the manager portal: how many requests are
open, how many were visited, and the median time from asking to a visit."""

import dataclasses
import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from residents.field import open_now
from residents.models import VisitRequest


@dataclasses.dataclass(frozen=True)
class RequestFigures:
    open: int = 0
    visited: int = 0
    median: datetime.timedelta | None = None

    @property
    def total(self) -> int:
        return self.open + self.visited

    @property
    def median_hours(self) -> int | None:
        return None if self.median is None else round(self.median.total_seconds() / 3600)

    @property
    def median_days(self) -> int | None:
        return None if self.median is None else round(self.median.total_seconds() / 86400)


def request_figures(requests: QuerySet) -> RequestFigures:
    """Open, visited and the median wait of these requests, in two queries whatever their number."""
    counts = requests.aggregate(
        open=Count("pk", filter=Q(status=VisitRequest.Status.OPEN)),
        visited=Count("pk", filter=Q(status=VisitRequest.Status.VISITED)),
    )
    visited = counts["visited"]
    median = None
    if visited:
        waits = (
            requests.filter(status=VisitRequest.Status.VISITED)
            .annotate(
                wait=ExpressionWrapper(
                    F("visited_at") - F("created_at"), output_field=DurationField()
                )
            )
            .order_by("wait")
            .values_list("wait", flat=True)
        )
        middle = list(waits[(visited - 1) // 2 : visited // 2 + 1])
        median = sum(middle, datetime.timedelta()) / len(middle)
    return RequestFigures(open=counts["open"], visited=visited, median=median)


def requests_in_region(code_prefix: str, period) -> QuerySet:
    """The requests of a region's buildings (a Kemendagri code prefix) in the period."""
    requests = VisitRequest.objects.filter(building__kelurahan__code__startswith=code_prefix)
    return requests.filter(period=period) if period is not None else requests


def requests_in_building(building, period) -> QuerySet:
    requests = VisitRequest.objects.filter(building=building)
    return requests.filter(period=period) if period is not None else requests


def open_counts(building_ids) -> dict[int, int]:
    """Building id → its open requests in a period open now or a day ago: the manager's
    portal shows the count, never which units (one query)."""
    rows = (
        open_now()
        .filter(building__in=building_ids)
        .values("building")
        .annotate(n=Count("pk"))
        .values_list("building", "n")
    )
    return dict(rows)
