import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Briefing, BriefingInvitee, Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, BuildingManagerFactory, kelurahan
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def selatan(world):
    """A second managed building in Jakarta Selatan, beside the world's building A."""
    building = BuildingFactory(name="Kalibata Dua", kelurahan=kelurahan("31.74.08.1003"))
    manager = BuildingManagerFactory(building=building, user=UserFactory(
        email="pengelola-a2@uji.coklit.id", role=Role.PENGELOLA)).user  # fmt: skip
    return building, manager


def _create(client):
    return client.post(reverse("dashboard_briefings"), {
        "title": "Sosialisasi coklit Jakarta Selatan", "starts_at": "2024-06-20T09:00",
        "place": "Aula KPU Kota", "online_link": "",
        "region": Region.objects.get(code="31.74").pk})  # fmt: skip


def test_staff_create_a_session_and_invite_every_manager_of_the_kota(
    client, world, selatan, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.kpu_kota_selatan)
    response = _create(client)
    briefing = Briefing.objects.get()
    assert response["Location"] == reverse("dashboard_briefing", args=[briefing.pk])
    assert (briefing.organiser, briefing.region.code) == (world.kpu_kota_selatan, "31.74")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard_briefing_invite", args=[briefing.pk]))
    invited = set(briefing.invitees.values_list("manager__email", flat=True))
    assert invited == {world.manager_a.email, selatan[1].email}  # not Marunda's manager
    assert sorted(m.to[0] for m in mailoutbox) == sorted(invited)
    answer_url = reverse("dashboard_briefing_answer", args=[briefing.pk])
    assert answer_url in mailoutbox[0].body and "Aula KPU Kota" in mailoutbox[0].body
    # Inviting again emails nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard_briefing_invite", args=[briefing.pk]))
    assert len(mailoutbox) == 2


def test_a_session_needs_a_place_or_a_link_and_a_kota_in_scope(client, world):
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    page = client.post(reverse("dashboard_briefings"), {"title": "X", "starts_at": "2024-06-20T09:00",
                       "region": Region.objects.get(code="31.74").pk})  # fmt: skip
    assert "Give a place, an online link, or both." in page.content.decode()
    page = client.post(reverse("dashboard_briefings"), {"title": "X", "starts_at": "2024-06-20T09:00",
                       "place": "Aula", "region": Region.objects.get(code="31.72").pk})  # fmt: skip
    assert page.status_code == 200 and not Briefing.objects.exists()


def test_invite_only_chosen_buildings(client, world, selatan, django_capture_on_commit_callbacks):
    client.force_login(world.dinas)
    _create(client)
    briefing = Briefing.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard_briefing_invite", args=[briefing.pk]),
                    {"buildings": [selatan[0].pk]})  # fmt: skip
    assert list(briefing.invitees.values_list("manager", flat=True)) == [selatan[1].pk]


def test_manager_answers_staff_record_attendance_and_see_whom_to_follow_up(client, world, selatan):
    briefing = Briefing.objects.create(title="Sosialisasi", starts_at="2024-06-20T09:00+07:00",
                                       place="Aula", organiser=world.kpu_kota_selatan,
                                       region=Region.objects.get(code="31.74"))  # fmt: skip
    a = briefing.invitees.create(manager=world.manager_a)
    a2 = briefing.invitees.create(manager=selatan[1])
    url = reverse("dashboard_briefing_answer", args=[briefing.pk])
    client.force_login(world.manager_b)
    assert client.get(url).status_code == 404
    client.force_login(world.manager_a)
    assert client.get(url).status_code == 200
    client.post(url, {"rsvp": "yes"})
    a.refresh_from_db()
    assert a.rsvp == BriefingInvitee.Rsvp.YES and a.responded_at is not None
    client.force_login(world.kpu_kota_selatan)
    assert client.get(url).status_code == 404  # staff do not answer for managers
    page = client.get(reverse("dashboard_briefing", args=[briefing.pk]))
    assert [i.pk for i in page.context["follow_up"]] == [a2.pk]
    client.post(reverse("dashboard_briefing_attendance", args=[briefing.pk]), {"hadir": [a2.pk]})
    a.refresh_from_db()
    a2.refresh_from_db()
    assert (a.attended, a2.attended) == (False, True)
    page = client.get(reverse("dashboard_briefing", args=[briefing.pk]))
    assert page.context["follow_up"] == []


@pytest.mark.parametrize(
    "persona", ["kpu_kota_utara", "bawaslu_utara", "ppk_pancoran", "manager_a"]
)
def test_others_cannot_open_the_session(client, world, persona):
    briefing = Briefing.objects.create(title="S", starts_at="2024-06-20T09:00+07:00", place="Aula",
                                       organiser=world.kpu_kota_selatan,
                                       region=Region.objects.get(code="31.74"))  # fmt: skip
    client.force_login(getattr(world, persona))
    assert client.get(reverse("dashboard_briefing", args=[briefing.pk])).status_code == 404
    if persona != "kpu_kota_utara":  # the others hold no sessions at all
        assert client.get(reverse("dashboard_briefings")).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_session_pages_run_a_fixed_number_of_queries(client, world):
    briefing = Briefing.objects.create(title="S", starts_at="2024-06-20T09:00+07:00", place="Aula",
                                       organiser=world.kpu_kota_selatan,
                                       region=Region.objects.get(code="31.74"))  # fmt: skip
    client.force_login(world.kpu_kota_selatan)
    urls = [reverse("dashboard_briefing", args=[briefing.pk]), reverse("dashboard_briefings")]
    before = [_queries(client, u) for u in urls]
    for _n in range(3):
        building = BuildingFactory(kelurahan=kelurahan("31.74.08.1003"))
        manager = BuildingManagerFactory(building=building).user
        briefing.invitees.create(manager=manager, attended=True)
        Briefing.objects.create(title="T", starts_at="2024-06-21T09:00+07:00", place="Aula",
                                organiser=world.kpu_kota_selatan, region=briefing.region)  # fmt: skip
    assert [_queries(client, u) for u in urls] == before
    assert max(before) <= 14


def test_ids_past_the_integer_range_are_refused_not_a_crash(client, world):
    # Found by the fuzz tests (issue #8): OverflowError from the `__in` lookup, a 500.
    client.force_login(world.kpu_kota_selatan)
    _create(client)
    briefing = Briefing.objects.get()
    huge = str(2**63)

    invite = client.post(reverse("dashboard_briefing_invite", args=[briefing.pk]),
                         {"buildings": [huge]})  # fmt: skip
    attendance = client.post(reverse("dashboard_briefing_attendance", args=[briefing.pk]),
                             {"hadir": [huge]})  # fmt: skip

    assert invite.status_code < 500 and attendance.status_code < 500
    assert not BriefingInvitee.objects.filter(briefing=briefing).exists()
