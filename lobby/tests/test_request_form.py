"""'Belum didatangi? Minta kunjungan': a request with no name and no NIK, merged per unit,
answered alike whatever the unit's status, working without any cookie, and limited."""

import time

import pytest
from django.utils import timezone

from buildings.models import Unit
from lobby.tests.helpers import ask, form_token
from residents.models import VisitRequest
from visits.services import outcome_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_window(monkeypatch):
    """The limits count per clock window: the clock stands still, so the test never straddles
    two."""
    monkeypatch.setattr(time, "time", lambda: 1.8e9)


def test_a_resident_asks_for_a_visit_without_any_cookie(resident, day):
    unit = day.units[3]
    response = ask(resident, day, unit, note="Bel rusak, ketuk pintu saja.")

    assert response.status_code == 302
    assert response["Location"] == f"/warga/{day.link.token}/terkirim/"
    assert response.cookies == {}
    request = VisitRequest.objects.get()
    assert (request.unit, request.tower, request.building) == (unit, day.tower, day.building)
    assert (request.best_time, request.note, request.callback_phone) == (
        "sore",
        "Bel rusak, ketuk pintu saja.",
        "",
    )
    assert request.period == day.period and request.status == VisitRequest.Status.OPEN
    thanks = resident.get(response["Location"])
    assert thanks.status_code == 200 and thanks.cookies == {}


def test_the_unit_number_is_matched_forgiving_case_and_separators(resident, day):
    unit = day.units[0]  # e.g. "Tower 7-0101"
    typed = unit.number.lower().replace("-", " ")
    assert ask(resident, day, unit, typed=typed).status_code == 302
    assert VisitRequest.objects.get().unit == unit


def test_a_unit_not_in_the_tower_is_refused_naming_the_field(resident, day):
    response = ask(resident, day, day.units[0], typed="Z-9999")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Z-9999" in html and 'role="alert"' in html
    assert not VisitRequest.objects.exists()
    assert response.cookies == {}


@pytest.mark.parametrize(
    "note", ["NIK saya 3174 0812 0390 0001", "kk: ３１７４０８１２０３９０ ０００１"]
)
def test_a_nik_in_the_note_is_refused_and_nothing_is_stored(resident, day, note):
    response = ask(resident, day, day.units[0], note=note)

    assert response.status_code == 400
    assert not VisitRequest.objects.exists()


def test_a_note_is_capped(resident, day):
    response = ask(resident, day, day.units[0], note="x" * 201)
    assert response.status_code == 400
    assert not VisitRequest.objects.exists()


def test_a_number_is_kept_only_with_the_box_ticked(resident, day):
    refused = ask(resident, day, day.units[0], phone="0812 3456 7890")
    assert refused.status_code == 400
    assert not VisitRequest.objects.exists()

    box_only = ask(resident, day, day.units[0], callback="on")
    assert box_only.status_code == 400

    landline = ask(resident, day, day.units[0], callback="on", phone="021 7990 1234")
    assert landline.status_code == 400

    ok = ask(resident, day, day.units[0], callback="on", phone="0812 3456 7890")
    assert ok.status_code == 302
    assert VisitRequest.objects.get().callback_phone == "+6281234567890"


def test_requests_for_one_unit_merge(resident, day):
    unit = day.units[2]
    ask(resident, day, unit, best_time="pagi", note="Ketuk keras.")
    ask(resident, day, unit, best_time="malam", callback="on", phone="081234567890")
    ask(resident, day, unit, best_time="akhir_pekan")

    request = VisitRequest.objects.get()
    assert request.times_asked == 3
    assert request.best_time == "akhir_pekan"  # the newest
    assert request.note == "Ketuk keras." and request.callback_phone == "+6281234567890"
    assert request.last_asked_at >= request.created_at


def test_a_request_for_a_unit_already_done_is_answered_like_any_other(resident, day):
    done, fresh = day.units[0], day.units[1]
    outcome_record(visit=day.visit, unit=done, outcome="done", recorded_at=timezone.now())
    ask(resident, day, fresh)  # someone asked for this one before: a merge follows

    answers = [ask(resident, day, done), ask(resident, day, fresh)]

    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert answers[0].content == answers[1].content
    assert VisitRequest.objects.filter(unit=done, status="open").exists()  # and is stored


def test_a_page_from_yesterday_still_sends_an_older_one_does_not(resident, day):
    import datetime

    from lobby.public import form_token as token_for

    today = timezone.localdate()
    data = {"tower": day.tower.pk, "unit": day.units[0].number, "best_time": "siang"}
    url = f"/warga/{day.link.token}/minta/"
    old = token_for(day.link, today - datetime.timedelta(days=2))
    response = resident.post(url, {**data, "token": old})
    assert response.status_code == 400
    assert not VisitRequest.objects.exists()
    assert resident.post(url, {**data, "token": "f" * 20}).status_code == 400
    yesterday = token_for(day.link, today - datetime.timedelta(days=1))
    assert resident.post(url, {**data, "token": yesterday}).status_code == 302


def test_a_tower_of_another_building_cannot_be_chosen(resident, day):
    from buildings.tests.factories import TowerFactory, UnitFactory

    other = UnitFactory(tower=TowerFactory())
    page = resident.get(f"/warga/{day.link.token}/")
    data = {"token": form_token(page.content.decode()), "tower": other.tower_id,
            "unit": other.number, "best_time": "sore"}  # fmt: skip
    response = resident.post(f"/warga/{day.link.token}/minta/", data)

    assert response.status_code == 400
    assert not VisitRequest.objects.exists()


def test_past_the_limit_per_address_the_answer_is_429(resident, day, one_window):
    from lobby.views import REQUESTS_PER_HOUR_PER_ADDRESS

    for n in range(REQUESTS_PER_HOUR_PER_ADDRESS):
        assert ask(resident, day, day.units[n % 10]).status_code == 302

    response = ask(resident, day, day.units[0])
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert response.cookies == {}
    # Another address is not held back.
    page = resident.get(f"/warga/{day.link.token}/", REMOTE_ADDR="10.9.9.9")
    data = {"token": form_token(page.content.decode()), "tower": day.tower.pk,
            "unit": day.units[0].number, "best_time": "sore"}  # fmt: skip
    other = resident.post(f"/warga/{day.link.token}/minta/", data, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_past_the_limit_per_building_the_answer_is_429_from_any_address(
    resident, day, one_window, monkeypatch
):
    monkeypatch.setattr("lobby.views.REQUESTS_PER_HOUR_PER_BUILDING", 3)
    page = resident.get(f"/warga/{day.link.token}/")
    data = {"token": form_token(page.content.decode()), "tower": day.tower.pk,
            "unit": day.units[0].number, "best_time": "sore"}  # fmt: skip
    url = f"/warga/{day.link.token}/minta/"
    for n in range(3):
        assert resident.post(url, data, REMOTE_ADDR=f"10.0.1.{n}").status_code == 302

    assert resident.post(url, data, REMOTE_ADDR="10.0.1.200").status_code == 429
    assert VisitRequest.objects.get().times_asked == 3


def test_past_the_limit_of_page_views_the_answer_is_429(resident, day, one_window):
    from lobby.views import VIEWS_PER_MINUTE_PER_ADDRESS

    url = f"/warga/{day.link.token}/"
    for _ in range(VIEWS_PER_MINUTE_PER_ADDRESS):
        assert resident.get(url).status_code == 200
    response = resident.get(url)
    assert response.status_code == 429
    assert response.cookies == {}


def test_a_get_on_the_form_address_is_not_allowed(resident, day):
    assert resident.get(f"/warga/{day.link.token}/minta/").status_code == 405


def test_a_non_residential_unit_can_still_be_asked_for(resident, day):
    unit = day.units[4]
    Unit.objects.filter(pk=unit.pk).update(residential=False)
    assert ask(resident, day, unit).status_code == 302
