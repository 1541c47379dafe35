"""'Refused twice' is one rule: the phone's ⚑ and the dashboard count the same units."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from buildings.models import Building, Unit
from progress.figures import building_figures
from visits.services import outcome_record
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db


def test_a_security_and_a_resident_refusal_flag_the_unit_on_the_phone_and_the_dashboard(client):
    day = field_day()
    both, resident_once, residents_twice = day.units[:3]
    at = timezone.now() - datetime.timedelta(hours=1)
    for unit, outcomes in (
        (both, ["security_refused", "refused"]),
        (resident_once, ["refused"]),
        (residents_twice, ["refused", "refused"]),
    ):
        for n, outcome in enumerate(outcomes):
            outcome_record(
                visit=day.visit,
                unit=unit,
                outcome=outcome,
                recorded_at=at + datetime.timedelta(minutes=n),
                client_uuid=uuid.uuid4(),
            )

    client.force_login(day.pantarlih)
    page = client.get(reverse("field_grid", args=[day.tower.pk])).content.decode()
    flagged = {int(pk) for pk in re.findall(r'class="u [^"]*flag[^"]*" data-u="(\d+)"', page)}
    assert flagged == {both.pk, residents_twice.pk}

    figures = building_figures(Building.objects.filter(pk=day.building.pk))[day.building.pk]
    assert figures.refused_twice == 2
    assert set(Unit.objects.refused_twice().values_list("pk", flat=True)) == flagged
