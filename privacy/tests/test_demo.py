"""The demo's side of personal data: a closed practice period whose retention --dry-run lists
what would go, the Pilkada 2024 tour held (its figures and photos untouched), and a copy of a
demo pantarlih's and a demo manager's data holding every kind docs/privacy.md lists for them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from buildings.models import Building
from privacy.demo import CLOSED_PERIOD_NAME
from privacy.person import person_data
from privacy.retention import retention_apply
from privacy.tests.record import export_keys, record_rows
from progress.figures import building_figures
from visits.models import Visit
from visits.tests.factories import pilkada_2024

pytestmark = pytest.mark.django_db

# Kinds a demo person of that role could have but the demo does not hold, and why.
NOT_IN_DEMO = {
    "residents.publiclink": "no demo manager has given a building a new poster address",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for this module, rolled back after its last test."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True,
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        yield media
        transaction.set_rollback(True)


def _dry_run(language):
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--language", language, stdout=out)
    return out.getvalue().splitlines()


def test_a_dry_run_on_the_demo_lists_the_closed_practice_period(demo):
    lines = _dry_run("en")
    assert lines[0] == "Dry run: nothing was changed. This would be removed:"
    start = next(i for i, line in enumerate(lines) if line.startswith(CLOSED_PERIOD_NAME))
    block = lines[start + 1 : start + 10]
    assert "  visit photos deleted: 2 (Rusunawa Marunda: 2)" in block
    assert "  visit notes cleared (not part of an access issue): 1 (Rusunawa Marunda: 1)" in block
    assert "  access-issue evidence files deleted: 1 (Rusunawa Marunda: 1)" in block
    assert "  invitations never accepted deleted: 1" in block
    held = next(i for i, line in enumerate(lines) if line.startswith("Pilkada DKI Jakarta 2024"))
    assert lines[held + 1].startswith("  held, nothing removed: Demo: data Pilkada 2024")
    assert Visit.objects.filter(period__name=CLOSED_PERIOD_NAME).exclude(photo="").count() == 2


def test_applying_it_keeps_the_2024_tour_whole(demo, django_capture_on_commit_callbacks):
    buildings = Building.objects.all()
    before = {pk: vars(f) for pk, f in building_figures(buildings).items()}
    visits_2024 = list(
        Visit.objects.filter(period=pilkada_2024()).values_list("photo", "latitude", "note")
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = retention_apply()
    assert report.total >= 10
    assert {pk: vars(f) for pk, f in building_figures(buildings).items()} == before
    assert (
        list(Visit.objects.filter(period=pilkada_2024()).values_list("photo", "latitude", "note"))
        == visits_2024
    )
    assert all(photo for photo, _lat, _note in visits_2024)
    assert not Visit.objects.filter(period__name=CLOSED_PERIOD_NAME).exclude(photo="").exists()


def _sections(emails):
    """Section key → rows, over the copies of these demo accounts."""
    found = {}
    for email in emails:
        for section in person_data(User.objects.get(email=email))["sections"]:
            found[section["key"]] = found.get(section["key"], 0) + len(section["rows"])
    return found


@pytest.mark.parametrize(
    ("role", "emails"),
    [
        ("pantarlih", ["pantarlih.rizky", "pantarlih.fitri", "pantarlih.joko"]),
        ("pengelola", ["pengelola.kalibata", "pengelola.marunda"]),
    ],
)
def test_the_copy_of_a_demo_person_holds_every_kind_listed_for_their_role(demo, role, emails):
    found = _sections([f"{e}@demo.coklit.id" for e in emails])
    missing = [
        (row["kind"], key)
        for row in record_rows()
        if role in row["whose"]
        for key in export_keys(row)
        if not found.get(key) and key not in NOT_IN_DEMO
    ]
    assert missing == []


def test_the_demo_has_an_officer_whose_duty_has_ended_to_erase(demo, client):
    """KPU Provinsi can try an erasure on the demo: Sari worked only the closed practice period;
    erasing her leaves every coverage figure as it was."""
    from django.urls import reverse

    from privacy.demo import ENDED_EMAIL
    from privacy.person import person_erase_problems, pseudonym

    person = User.objects.get(email=ENDED_EMAIL)
    kpu = User.objects.get(email="kpu.provinsi@demo.coklit.id")
    assert person_erase_problems(person, by=kpu) == []
    assert person.assignments.filter(period__name=CLOSED_PERIOD_NAME).exists()
    buildings = Building.objects.all()
    before = {pk: vars(f) for pk, f in building_figures(buildings).items()}
    client.force_login(kpu)

    page = client.get(reverse("admin:accounts_user_person", args=[person.pk])).content.decode()
    assert 'name="confirm"' in page
    client.post(reverse("admin:accounts_user_person_erase", args=[person.pk]), {"confirm": "1"})

    assert User.objects.get(pk=person.pk).full_name == pseudonym(person)
    assert {pk: vars(f) for pk, f in building_figures(buildings).items()} == before
