import datetime
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.roles import ADMIN_USERS as ADMIN_ROLES
from accounts.validators import contains_nik
from buildings.models import Building, BuildingManager, Tower, Unit, UnitOccupancy
from privacy.demo import CLOSED_PERIOD_NAME
from visits.demo import ASSIGNMENTS, DEMO_DOMAIN, DEMO_PASSWORD, PRACTICE_PERIOD_NAME
from visits.models import AccessIssue, Assignment, OfficerPhoto, Schedule, UnitOutcome, Visit
from visits.tests.factories import pilkada_2024

pytestmark = pytest.mark.django_db

DEMO_MODELS = [
    User,
    Building,
    Tower,
    Unit,
    UnitOccupancy,
    BuildingManager,
    Assignment,
    Schedule,
    Visit,
    UnitOutcome,
    AccessIssue,
    Invitation,
    EmailAddress,
    OfficerPhoto,
]


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """The demo seeded once for this module, in a transaction rolled back after its last test."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def test_first_run_creates_rows_of_every_demo_model(first_run):
    assert first_run.startswith("Demo data created:")
    empty = [m.__name__ for m in DEMO_MODELS if not m.objects.exists()]
    assert empty == []


def test_running_it_again_creates_nothing_new(first_run, settings):
    settings.DEBUG = True
    before = row_counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert row_counts() == before
    assert "nothing new created" in out.getvalue()


def test_it_refuses_to_run_without_debug(first_run, settings):
    settings.DEBUG = False
    before = row_counts()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert row_counts() == before


def test_force_runs_it_without_debug(first_run, settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "kpu.provinsi@demo.coklit.id" in out.getvalue()


def test_output_lists_every_account_and_prints_the_password_once(first_run):
    for user in demo_users():
        assert user.email in first_run
    assert first_run.count(DEMO_PASSWORD) == 1


def test_every_role_has_a_demo_account_that_signs_in_with_the_demo_password(first_run):
    assert set(demo_users().values_list("role", flat=True)) == set(User.Role.values)
    for user in demo_users():
        assert authenticate(email=user.email, password=DEMO_PASSWORD) == user


def test_only_kpu_provinsi_is_superuser_and_the_admin_roles_reach_the_admin(first_run):
    assert list(demo_users().filter(is_superuser=True).values_list("role", flat=True)) == [
        User.Role.KPU_PROVINSI
    ]
    assert set(demo_users().filter(is_staff=True).values_list("role", flat=True)) == set(
        ADMIN_ROLES
    )


def test_every_demo_account_can_sign_in_with_the_printed_password(first_run, client):
    for user in demo_users():
        client.logout()
        response = client.post("/akun/login/", {"login": user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/", user.email


@pytest.mark.parametrize(
    ("name", "code", "kelurahan", "kecamatan"),
    [
        ("Kalibata City", "31.74.08.1003", "Rawajati", "Pancoran"),
        ("Rusunawa Marunda", "31.72.04.1003", "Marunda", "Cilincing"),
        ("Rusunawa Pulo Gebang", "31.75.06.1005", "Pulo Gebang", "Cakung"),
        (
            "Apartemen Mediterania Garden Residences",
            "31.73.02.1005",
            "Tanjung Duren Selatan",
            "Grogol Petamburan",
        ),
        ("Green Pramuka City", "31.71.05.1003", "Rawasari", "Cempaka Putih"),
        ("Bassura City", "31.75.03.1007", "Cipinang Besar Selatan", "Jatinegara"),
    ],
)
def test_demo_buildings_sit_in_their_real_kelurahan(first_run, name, code, kelurahan, kecamatan):
    building = Building.objects.select_related("kelurahan__parent").get(name=name)
    assert building.kelurahan.code == code
    assert building.kelurahan.name == kelurahan
    assert building.kelurahan.parent.name == kecamatan
    assert building.towers.exists()


def test_towers_skip_unlucky_floors_and_keep_shops_on_the_ground_floor(first_run):
    jasmine = Tower.objects.get(building__name="Kalibata City", name="Tower Jasmine")
    floors = set(jasmine.units.values_list("floor", flat=True))
    assert floors.isdisjoint({4, 13, 14})
    assert max(floors) == jasmine.floors
    shops = jasmine.units.filter(residential=False)
    assert shops.exists()
    assert set(shops.values_list("floor", flat=True)) == {1}
    assert jasmine.units.filter(number="J-1205", floor=12).exists()
    assert not Tower.objects.filter(expected_voters__isnull=True).exists()


def test_each_managed_building_has_its_manager_as_primary_contact(first_run):
    links = BuildingManager.objects.filter(user__in=demo_users())
    assert {(link.building.name, link.is_primary) for link in links} == {
        ("Kalibata City", True),
        ("Rusunawa Marunda", True),
    }
    assert all(link.user.role == User.Role.PENGELOLA for link in links)


def test_every_visit_is_by_an_assigned_pantarlih_inside_the_period(first_run):
    period = pilkada_2024()
    # (The closed practice period's visits are retention's: privacy/tests/test_demo.py.)
    # (The practice window's visit for a resident's request: residents/tests/test_demo.py.)
    closed_or_practice = [CLOSED_PERIOD_NAME, PRACTICE_PERIOD_NAME]
    for visit in Visit.objects.exclude(period__name__in=closed_or_practice):
        assert visit.period == period
        local = timezone.localtime(visit.started_at)
        assert datetime.date(2024, 6, 25) <= local.date() <= datetime.date(2024, 6, 28)
        assert 7 <= local.hour < 20
        assert visit.ended_at >= visit.started_at
        assert Assignment.objects.filter(
            models.Q(tower=visit.tower) | models.Q(tower__isnull=True),
            period=period,
            pantarlih=visit.pantarlih,
            building=visit.building,
        ).exists()


def test_outcomes_use_all_eight_codes_and_each_unit_shows_its_newest(first_run):
    assert set(UnitOutcome.objects.values_list("outcome", flat=True)) == set(
        UnitOutcome.Outcome.values
    ) - {Unit.Status.UNVISITED}
    for unit in Unit.objects.filter(outcomes__isnull=False).distinct():
        newest = unit.outcomes.order_by("-recorded_at").first()
        assert (unit.status, unit.status_at) == (newest.outcome, newest.recorded_at)
    assert not Unit.objects.filter(outcomes__isnull=True).exclude(status="unvisited").exists()


def test_stickers_and_voter_counts_only_come_with_done_units(first_run):
    not_done = UnitOutcome.objects.exclude(outcome=UnitOutcome.Outcome.DONE)
    assert set(not_done.values_list("sticker", flat=True)) == {UnitOutcome.Sticker.NONE}
    assert not not_done.filter(voters_verified__gt=0).exists()
    done = UnitOutcome.objects.filter(outcome=UnitOutcome.Outcome.DONE)
    assert not done.filter(voters_verified=0).exists()
    assert set(done.values_list("sticker", flat=True)) == {
        UnitOutcome.Sticker.PLACED,
        UnitOutcome.Sticker.HANDED_OVER,
    }


def test_a_unit_refused_twice_is_there_to_flag(first_run):
    unit = Unit.objects.get(tower__name="Tower Jasmine", number="J-0207")
    assert list(unit.outcomes.values_list("outcome", flat=True)) == [
        UnitOutcome.Outcome.REFUSED,
        UnitOutcome.Outcome.REFUSED,
    ]


def test_schedules_show_each_answer_a_manager_can_give(first_run):
    _S = Schedule.Status
    statuses = set(Schedule.objects.values_list("status", flat=True))
    assert {_S.CONFIRMED, _S.PROPOSED, _S.DECLINED, _S.CANCELLED} <= (statuses)
    assert not Schedule.objects.filter(status="proposed", decided_by__isnull=False).exists()
    assert not Schedule.objects.exclude(status="proposed").filter(decided_by__isnull=True).exists()
    assert Schedule.objects.filter(kind=Schedule.Kind.POSKO).exists()


def test_one_access_issue_records_security_turning_a_pantarlih_away(first_run):
    issue = AccessIssue.objects.get(building__name="Kalibata City")
    assert issue.kind == AccessIssue.Kind.SECURITY_REFUSED
    assert issue.visit.access == Visit.Access.DENIED
    assert issue.raised_by == issue.visit.pantarlih
    assert issue.handled_by.role == User.Role.KPU_KOTA


def test_the_access_issue_was_raised_before_its_deadline_and_tells_its_history(first_run):
    issue = AccessIssue.objects.get(building__name="Kalibata City")
    assert issue.created_at.date() == issue.visit.started_at.date()
    assert issue.created_at < issue.due_at
    steps = list(issue.events.values_list("action", "level", "actor__role", "created_at"))
    assert [step[:3] for step in steps] == [
        ("raised", "pps", User.Role.PANTARLIH),
        ("escalated", "kpu_kota", User.Role.PPS),
        ("comment", "kpu_kota", User.Role.KPU_KOTA),
        ("letter_sent", "kpu_kota", User.Role.KPU_KOTA),  # no. 001/PL.01.2-SD/3174/2024
        ("manager_reply", "kpu_kota", User.Role.PENGELOLA),
    ]
    assert all(issue.created_at <= at < issue.due_at for *_step, at in steps)
    assert issue.events.get(action="escalated").note


def test_managers_reported_occupancy_hints(first_run):
    reporters = set(UnitOccupancy.objects.values_list("reported_by__role", flat=True))
    assert reporters == {User.Role.PENGELOLA}


def test_no_demo_text_looks_like_a_nik_and_phones_use_plus_62(first_run):
    for model in DEMO_MODELS:
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.name != "password"
        ]
        for row in model.objects.values_list(*text_fields):
            assert not any(contains_nik(value) for value in row), row
    phones = list(demo_users().values_list("phone", flat=True))
    phones += list(Building.objects.values_list("contact_phone", flat=True))
    # (Taman Rasuna was imported with no contact on file yet: an empty phone.)
    assert all(phone.startswith("+62") for phone in phones if phone)


def test_demo_rows_pass_model_validation(first_run):
    for model in [Building, Tower, BuildingManager, UnitOccupancy, Schedule, Visit, AccessIssue]:
        for obj in model.objects.all():
            obj.full_clean()
    for user in demo_users():
        user.full_clean(exclude=["password"])


def test_the_practice_window_surrounds_today_so_the_field_pages_work(first_run):
    from visits.demo import PRACTICE_PERIOD_NAME
    from visits.models import CoklitPeriod

    period = CoklitPeriod.objects.get(name=PRACTICE_PERIOD_NAME)
    assert period.contains(timezone.localdate())
    assert Assignment.objects.filter(period=period).count() == len(ASSIGNMENTS)
    assert Schedule.objects.filter(period=period, status="proposed").exists()


def test_demo_officers_cards_have_a_placeholder_photo_and_one_has_none(first_run):
    from PIL import Image

    photos = OfficerPhoto.objects.select_related("officer")
    assert {p.officer.email for p in photos} == {
        f"pantarlih.rizky@{DEMO_DOMAIN}",
        f"pantarlih.fitri@{DEMO_DOMAIN}",
    }
    for photo in photos:
        with photo.photo.open("rb"), Image.open(photo.photo) as image:
            assert image.size == (360, 480) and not image.getexif()
