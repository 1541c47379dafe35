"""What the database holds for the outcomes a run sent: each stored once, every total right."""

from collections import Counter


def outcomes_check(sent: list[str], unit_ids: list[int]) -> dict:
    """How many of the UUIDs sent are stored, lost, doubled; which units' totals are wrong.

    A unit's running totals (outcome_count, refusal_count, voters_verified) must equal a
    recount of its outcomes; a household counts once: the newest outcome's voters (issue #13).
    """
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from buildings.models import Unit
    from visits.models import UnitOutcome

    rows = Counter(
        str(u) for u in UnitOutcome.objects.filter(client_uuid__in=sent).values_list(
            "client_uuid", flat=True)
    )  # fmt: skip
    units = Unit.objects.filter(pk__in=unit_ids).annotate(
        n=Count("outcomes"),
        refusals=Count("outcomes", filter=Q(outcomes__outcome__in=Unit.REFUSAL_STATUSES)),
        verified=Coalesce(
            Subquery(
                UnitOutcome.objects.filter(unit=OuterRef("pk"))
                .order_by("-recorded_at", "-pk")
                .values("voters_verified")[:1]
            ),
            0,
        ),
    )
    mismatched = [
        u.pk for u in units
        if (u.outcome_count, u.refusal_count, u.voters_verified) != (u.n, u.refusals, u.verified)
    ]  # fmt: skip
    return {
        "uuids_sent": len(sent),
        "rows_found": sum(rows.values()),
        "lost": sum(1 for u in sent if u not in rows),
        "duplicated": sum(n - 1 for n in rows.values() if n > 1),
        "units_checked": len(units),
        "units_with_wrong_totals": len(mismatched),
    }
