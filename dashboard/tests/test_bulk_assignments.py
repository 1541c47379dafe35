import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, TowerFactory, kelurahan
from dashboard.assignments import period_current
from visits.models import Assignment

pytestmark = pytest.mark.django_db

RAWAJATI = "31.74.08.1003"
NIK = "3174084512900003"


@pytest.fixture
def second(world):
    """A second pantarlih of Rawajati, with no assignment yet."""
    return UserFactory(email="pantarlih-a2@uji.coklit.id", full_name="Sari Uji",
                       role=Role.PANTARLIH, region=world.pantarlih_a.region)  # fmt: skip


def _screen(client, **fields):
    return client.post(reverse("dashboard_assignments", args=[RAWAJATI]), fields)


def _current(world):
    return {
        (a.pantarlih_id, a.tower_id, a.tps)
        for a in Assignment.objects.filter(period=period_current(), building=world.building_a)
    }


def test_screen_lists_the_kelurahan_buildings_towers_and_pantarlih(client, world, second):
    client.force_login(world.ppk_pancoran)
    page = client.get(reverse("dashboard_assignments", args=[RAWAJATI]))
    assert page.status_code == 200
    assert [(t.building, t.tower) for t in page.context["targets"]] == [
        (world.building_a, None), (world.building_a, world.tower_a)]  # fmt: skip
    assert {p.pk for p in page.context["pantarlih"]} == {world.pantarlih_a.pk, second.pk}
    assert "Marunda Uji" not in page.content.decode()


def test_screen_assigns_a_tower_and_reassigns_the_building(client, world, second):
    assert _current(world) == {(world.pantarlih_a.pk, None, "012")}  # the world's assignment
    first = Assignment.objects.get(pantarlih=world.pantarlih_a, building=world.building_a)
    tower = f"t{world.tower_a.pk}"
    building = f"b{world.building_a.pk}"
    client.force_login(world.kpu_kota_selatan)
    response = _screen(client, **{f"p-{tower}": second.pk, f"tps-{tower}": "013"})
    assert response.status_code == 302
    assert _current(world) == {(world.pantarlih_a.pk, None, "012"),
                               (second.pk, world.tower_a.pk, "013")}  # fmt: skip
    # Hand the whole building to the second pantarlih, and take the tower back.
    tower_assignment = Assignment.objects.get(pantarlih=second, tower=world.tower_a)
    _screen(client, **{f"rm-a{first.pk}": "1", f"p-{building}": second.pk,
                       f"tps-{building}": "014", f"rm-a{tower_assignment.pk}": "1"})  # fmt: skip
    assert _current(world) == {(second.pk, None, "014")}


def test_a_large_tower_gets_several_pantarlih_one_per_tps(client, world, second):
    tower = f"t{world.tower_a.pk}"
    client.force_login(world.ppk_pancoran)
    _screen(client, **{f"p-{tower}": world.pantarlih_a.pk, f"tps-{tower}": "021"})
    _screen(client, **{f"p-{tower}": second.pk, f"tps-{tower}": "022"})
    page = client.get(reverse("dashboard_assignments", args=[RAWAJATI]))
    row = next(t for t in page.context["targets"] if t.tower == world.tower_a)
    assert [(a.pantarlih, a.tps) for a in row.current] == [
        (world.pantarlih_a, "021"), (second, "022")]  # fmt: skip
    # A TPS typed over an existing one changes only that assignment.
    mine = row.current[0]
    _screen(client, **{f"tps-a{mine.pk}": "023"})
    assert (world.pantarlih_a.pk, world.tower_a.pk, "023") in _current(world)
    assert (second.pk, world.tower_a.pk, "022") in _current(world)


def test_screen_refuses_the_whole_form_for_one_bad_row(client, world, second):
    before = _current(world)
    tower = f"t{world.tower_a.pk}"
    building = f"b{world.building_a.pk}"
    client.force_login(world.pps_marunda)
    assert _screen(client).status_code == 404  # another kelurahan's PPS
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    first = Assignment.objects.get(pantarlih=world.pantarlih_a, building=world.building_a)
    page = _screen(client, **{f"p-{building}": second.pk, f"tps-{building}": NIK,
                              f"p-{tower}": world.pantarlih_b.pk, f"tps-{tower}": "1",
                              f"rm-a{first.pk}": "1"})  # fmt: skip
    assert page.status_code == 200
    text = page.content.decode()
    assert "looks like a NIK" in text and "choose a pantarlih of this kelurahan" in text
    assert _current(world) == before
    assert 'name="rm-a%d" value="1" checked' % first.pk in text  # what was typed is kept


def _sheet(client, text, name="penugasan.csv"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("dashboard_assignment_upload", args=[RAWAJATI]), {"file": upload})


def test_sheet_names_each_bad_line_and_writes_nothing(client, world, second):
    before = _current(world)
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    page = _sheet(client, "email,gedung,tower,tps\n"
                  f"{second.email},Kalibata Uji,A,013\n"
                  "nobody@uji.coklit.id,Kalibata Uji,,014\n"
                  f"{second.email},Marunda Uji,,015\n"
                  f"{second.email},Kalibata Uji,Z,016\n"
                  f"{second.email},Kalibata Uji,,{NIK}\n")  # fmt: skip
    problems = page.context["sheet_problems"]
    assert [line for line, _m in problems] == [3, 4, 5, 6]
    text = " ".join(m for _line, m in problems)
    assert "no pantarlih “nobody@uji.coklit.id”" in text
    assert "no building “Marunda Uji”" in text and "no tower “Z”" in text
    assert "looks like a NIK" in text
    assert "Line 3" in page.content.decode()
    assert _current(world) == before


def test_sheet_assigns_buildings_and_towers(client, world, second):
    client.force_login(world.pps_marunda)
    assert _sheet(client, "email,gedung,tower,tps\n").status_code == 404
    client.force_login(world.kpu_kota_selatan)
    response = _sheet(client, "email;gedung;tower;tps\n"
                      f"{second.email};kalibata uji;a;013\n"
                      f"{world.pantarlih_a.email.upper()};Kalibata Uji;;012\n")  # fmt: skip
    assert response.status_code == 302
    assert {(second.pk, world.tower_a.pk, "013"), (world.pantarlih_a.pk, None, "012")} <= _current(
        world
    )


@pytest.mark.parametrize("persona", ["dinas", "bawaslu_utara", "manager_a", "pantarlih_a"])
def test_only_kpu_and_its_committees_assign(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("dashboard_assignments", args=[RAWAJATI])).status_code == 404


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard_assignments", args=[RAWAJATI])).status_code == 200
    return len(queries)


def test_screen_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.kpu_kota_selatan)
    before = _queries(client)
    for n in range(3):
        building = BuildingFactory(kelurahan=kelurahan(RAWAJATI))
        tower = TowerFactory(building=building)
        pantarlih = UserFactory(role=Role.PANTARLIH, region=world.pantarlih_a.region)
        Assignment.objects.create(period=period_current(), pantarlih=pantarlih,
                                  building=building, tower=tower, tps=f"02{n}")  # fmt: skip
    assert _queries(client) == before
