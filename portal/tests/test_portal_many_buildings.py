"""A manager of fifty buildings gets a page of ten cards and a search, not a 97 KB page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, BuildingManagerFactory, TowerFactory
from portal.views.buildings import HOME_BUILDINGS_PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    manager = UserFactory(role="pengelola")
    for n in range(50):
        building = BuildingFactory(name=f"Rusunawa Operator {n:02d}", address=f"Jl. Contoh {n}")
        TowerFactory(building=building)
        BuildingManagerFactory(user=manager, building=building)
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


def _home(client, **params):
    response = client.get(reverse("portal_home"), params)
    assert response.status_code == 200
    return response


def test_fifty_buildings_come_ten_a_page_with_a_search(operator):
    first = _home(operator)
    names = [b.name for b in first.context["buildings"]]
    assert names == [f"Rusunawa Operator {n:02d}" for n in range(HOME_BUILDINGS_PER_PAGE)]
    page = first.content.decode()
    assert "Your 50 buildings" in page and "Page 1 of 5" in page
    assert len(first.content) < 40_000
    last = _home(operator, hal=5)
    assert [b.name for b in last.context["buildings"]][-1] == "Rusunawa Operator 49"
    found = _home(operator, cari="operator 3")
    assert [b.name for b in found.context["buildings"]] == [
        f"Rusunawa Operator {n}" for n in range(30, 40)
    ]
    assert "10 buildings match" in found.content.decode()
    by_address = _home(operator, cari="Jl. Contoh 7")
    assert [b.name for b in by_address.context["buildings"]] == ["Rusunawa Operator 07"]


def test_bad_page_and_search_values_still_answer(operator):
    for params in ({"hal": "x"}, {"hal": "999"}, {"hal": "-1"}, {"cari": "x" * 100_000},
                   {"cari": '=HYPERLINK("http://x")'}, {"cari": "3174 0812 3456 0001"}):  # fmt: skip
        _home(operator, **params)
    assert "No building of yours matches" in _home(operator, cari="zzz").content.decode()


def test_the_home_takes_the_same_queries_for_fifty_buildings_as_for_ten(operator, client):
    operator.get(reverse("portal_home"))
    with CaptureQueriesContext(connection) as fifty:
        _home(operator)
    manager = UserFactory(role="pengelola")
    for _ in range(11):
        BuildingManagerFactory(user=manager, building=BuildingFactory())
    client.force_login(manager)
    client.get(reverse("portal_home"))
    with CaptureQueriesContext(connection) as eleven:
        _home(client)
    assert len(fifty) == len(eleven)


def test_a_manager_of_a_few_buildings_sees_no_search(client):
    manager = UserFactory(role="pengelola")
    BuildingManagerFactory(user=manager, building=BuildingFactory())
    client.force_login(manager)
    response = _home(client)
    assert response.context["page"] is None
    assert 'name="cari"' not in response.content.decode()
