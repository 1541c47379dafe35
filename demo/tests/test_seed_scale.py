import pytest
from django.core.management import call_command
from django.db.models import Count, F, OuterRef, Subquery, Sum

from buildings.models import Building, Tower, Unit
from buildings.totals import drift
from visits.models import UnitOutcome

pytestmark = pytest.mark.django_db


def test_seed_scale_writes_the_asked_numbers_and_keeps_unit_status_in_step(settings, capsys):
    settings.DEBUG = True
    call_command("seed_scale", "--buildings=12", "--towers=30", "--units=3000",
                 "--pantarlih=40", "--outcomes=5000")  # fmt: skip
    assert Building.objects.filter(name__startswith="Skala ").count() == 12
    towers = Tower.objects.filter(building__name__startswith="Skala ").annotate(n=Count("units"))
    assert 2 <= towers.count() <= 30
    # Towers of many sizes, one of them the 2,040-unit giant, not 30 towers of 100 units.
    sizes = sorted(t.n for t in towers)
    assert sizes[-1] == 2040 and sizes[0] < sizes[-2]
    assert Unit.objects.filter(tower__building__name__startswith="Skala ").count() == 3000
    assert not drift().towers  # the triggers kept the towers' totals through bulk inserts
    assert UnitOutcome.objects.count() == 5000
    newest = UnitOutcome.objects.filter(unit=OuterRef("pk")).order_by("-recorded_at", "-pk")
    mismatched = (
        Unit.objects.filter(outcomes__isnull=False)
        .distinct()
        .annotate(newest=Subquery(newest.values("outcome")[:1]))
        .exclude(status=F("newest"))
    )
    assert not mismatched.exists()
    totals = Unit.objects.aggregate(n=Sum("outcome_count"))
    assert totals["n"] == 5000
    # A household counts once: a unit holds its newest outcome's voters (issue #13).
    assert not (
        Unit.objects.filter(outcomes__isnull=False)
        .distinct()
        .annotate(newest=Subquery(newest.values("voters_verified")[:1]))
        .exclude(voters_verified=F("newest"))
        .exists()
    )
    assert "outcomes: 5,000" in capsys.readouterr().out


def test_seed_scale_refuses_without_debug(settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_scale", "--buildings=1")
