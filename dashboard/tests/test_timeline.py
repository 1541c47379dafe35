"""Issue #16, item 8: an audit trail an auditor can read.

The admin's log showed English labels, model slugs and "25 changes" for one new building, and
command-line imports had no actor. Each building and each access issue now has a timeline of
sentences ("Agus Setiawan menaikkan kendala ke Dinas Perumahan, 03-12 13.50"), filterable by
person and region, for KPU and Bawaslu in their own region; the commands record who ran them
and from which file.
"""

import re

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.audit import SYSTEM_EMAIL, UPDATE, audit_bulk
from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from buildings.models import Building, Region, Tower, Unit
from buildings.tests.factories import TowerFactory
from dashboard.escalation import issue_escalate
from visits.models import Visit
from visits.tests.factories import AccessIssueFactory

pytestmark = pytest.mark.django_db

READERS = ["kpu_provinsi", "kpu_kota_utara", "bawaslu_utara"]
NOT_READERS = ["pps_marunda", "dinas", "manager_b", "pantarlih_b"]


@pytest.fixture
def agus(world):
    """KPU Jakarta Utara's operator, who changes things at Marunda."""
    return UserFactory(
        email="agus@uji.coklit.id", full_name="Agus Setiawan", role=Role.KPU_KOTA,
        region=Region.objects.get(code="31.72"), is_staff=True,
    )  # fmt: skip


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _timeline(client, building):
    return client.get(reverse("dashboard_building_timeline", args=[building.pk]))


def _lines(response) -> list[str]:
    html = response.content.decode()
    items = re.findall(r'<ol class="history timeline">(.*?)</ol>', html, re.S)
    text = re.sub(r"<[^>]+>", " ", items[0] if items else "")
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def test_a_building_timeline_reads_as_sentences(world, agus, english):
    building = world.building_b
    with set_actor(agus):
        building.manager_org = "UPRS Marunda Baru"
        building.save()
        TowerFactory(building=building, name="Blok C")
    issue = AccessIssueFactory(building=building, raised_by=world.pantarlih_b, level="kpu_kota")
    issue_escalate(issue=issue, by=agus, note="Surat tidak dijawab.")
    english.force_login(agus)

    response = _timeline(english, building)

    assert response.status_code == 200
    text = " ".join(_lines(response))
    when = timezone.localtime().strftime("%d-%m")
    assert f"Agus Setiawan moved the access issue at Marunda Uji up to Dinas Perumahan, {when}" in (
        text
    )
    assert "Surat tidak dijawab." in text
    assert "Agus Setiawan changed building Marunda Uji" in text
    assert "UPRS Marunda Baru" in text and "Managing organisation" in text
    assert "Agus Setiawan added tower" in text and "Blok C" in text
    # No model slugs, field names or ids.
    for noise in ("buildings.", "manager_org", "content_type", "object_id"):
        assert noise not in response.content.decode().split("<main")[1], noise


def test_the_issue_page_tells_its_steps_as_sentences(world, agus, english):
    issue = AccessIssueFactory(building=world.building_b, raised_by=world.pantarlih_b,
                               level="kpu_kota")  # fmt: skip
    issue_escalate(issue=issue, by=agus, note="Surat tidak dijawab.")
    english.force_login(world.dinas)

    page = english.get(reverse("dashboard_issue", args=[issue.pk])).content.decode()

    when = timezone.localtime().strftime("%d-%m")
    assert "Agus Setiawan moved the issue up to Dinas Perumahan, " in page
    assert f">{when} " in page


def test_reverse_relations_and_bookkeeping_are_not_told(world, agus, english):
    """auditlog writes down reverse relations ("visits.Visit.None") and timestamps: noise."""
    audit_bulk(Building, [(world.building_b.pk, "Marunda Uji", UPDATE, {
        "towers": ("buildings.Tower.None", "buildings.Tower.None"),
        "updated_at": ("2024-06-01", "2024-06-02"),
        "kind": ("apartemen", "rusunawa"),
    })], actor=agus)  # fmt: skip
    english.force_login(agus)

    lines = _lines(_timeline(english, world.building_b))

    change = lines[lines.index(next(x for x in lines if x.startswith("Agus Setiawan changed"))) + 1]
    assert change == "Kind: Apartment → Rusunawa (rented public flats)"


def test_a_file_is_told_as_a_file_not_by_its_stored_name(world, agus, english):
    visit = world.side["b"]["visit"]
    audit_bulk(Visit, [(visit.pk, str(visit), UPDATE, {"photo": ("", "visits/2026/12/x_Ab3.jpg")})],
               actor=agus)  # fmt: skip
    english.force_login(agus)

    text = " ".join(_lines(_timeline(english, world.building_b)))

    assert "→ a file" in text and "x_Ab3.jpg" not in text


def test_a_bulk_write_is_one_line_not_one_per_unit(world, agus, english):
    units = [Unit.objects.create(tower=world.tower_b, floor=2, number=f"B-02{n:02d}")
             for n in range(20)]  # fmt: skip
    audit_bulk(Unit, [(u.pk, f"B / {u.number}", UPDATE, {"residential": (True, False)})
                      for u in units], actor=agus)  # fmt: skip
    english.force_login(agus)

    lines = [line for line in _lines(_timeline(english, world.building_b)) if "20 units" in line]

    assert len(lines) == 1 and lines[0].startswith("Agus Setiawan changed 20 units")


def test_the_timeline_filters_by_person(world, agus, english):
    with set_actor(agus):
        TowerFactory(building=world.building_b, name="Blok Agus")
    with set_actor(world.kpu_provinsi):
        TowerFactory(building=world.building_b, name="Blok Provinsi")
    english.force_login(world.kpu_provinsi)

    page = english.get(
        reverse("dashboard_building_timeline", args=[world.building_b.pk]), {"orang": "agus"}
    ).content.decode()

    assert "Blok Agus" in page and "Blok Provinsi" not in page


def test_the_area_timeline_filters_by_region_within_the_readers_scope(world, agus, english):
    with set_actor(world.kpu_provinsi):
        TowerFactory(building=world.building_a, name="Blok Selatan")
        TowerFactory(building=world.building_b, name="Blok Utara")
    english.force_login(world.kpu_provinsi)

    page = english.get(reverse("dashboard_timeline"), {"wilayah": "31.72"}).content.decode()
    assert "Blok Utara" in page and "Blok Selatan" not in page

    english.force_login(agus)  # KPU Jakarta Utara asks for Jakarta Selatan: its own area
    page = english.get(reverse("dashboard_timeline"), {"wilayah": "31.74"}).content.decode()
    assert "Blok Selatan" not in page and "Blok Utara" in page
    assert "outside your area" in page


@pytest.mark.parametrize("persona", READERS)
def test_kpu_and_bawaslu_read_the_timeline_and_find_the_link(world, client, persona):
    client.force_login(getattr(world, persona))
    url = reverse("dashboard_building_timeline", args=[world.building_b.pk])

    assert (
        f'href="{url}"'
        in client.get(reverse("dashboard_building", args=[world.building_b.pk])).content.decode()
    )
    assert client.get(url).status_code == 200
    assert client.get(reverse("dashboard_timeline")).status_code == 200


@pytest.mark.parametrize("persona", NOT_READERS)
def test_other_roles_neither_see_the_link_nor_open_the_timeline(world, client, persona):
    client.force_login(getattr(world, persona))
    url = reverse("dashboard_building_timeline", args=[world.building_b.pk])

    building_page = client.get(reverse("dashboard_building", args=[world.building_b.pk]))
    assert url not in building_page.content.decode()
    assert client.get(url).status_code == 404
    assert client.get(reverse("dashboard_timeline")).status_code == 404


def test_the_timeline_runs_a_fixed_number_of_queries(world, agus, client):
    client.force_login(agus)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert _timeline(client, world.building_b).status_code == 200
        return len(captured)

    with set_actor(agus):
        TowerFactory(building=world.building_b, name="Satu")
    queries()  # the first fills ContentType's cache (or not, after another test): not the page
    few = queries()
    with set_actor(agus):
        for n in range(10):
            TowerFactory(building=world.building_b, name=f"Blok {n}")
    assert queries() == few


# --- Who ran a command, from which file ---------------------------------------------------------


def test_a_command_line_import_records_the_actor_and_the_file(world, tmp_path):
    path = tmp_path / "gedung-utara.csv"
    path.write_text("nama,jenis,kelurahan\nRusun Audit,rusunawa,31.72.04.1003\n")

    call_command("import_buildings", str(path), "--actor", world.kpu_kota_utara.email)

    building = Building.objects.get(name="Rusun Audit")
    entry = LogEntry.objects.get_for_object(building).get()
    assert entry.actor == world.kpu_kota_utara
    assert entry.additional_data == {"file": "gedung-utara.csv"}


def test_without_actor_the_system_account_is_recorded(world, tmp_path, english):
    path = tmp_path / "unit.csv"
    path.write_text("gedung,kelurahan,tower,lantai,nomor\nMarunda Uji,31.72.04.1003,Z,1,Z-01\n")

    call_command("import_units", str(path))

    tower = Tower.objects.get(building=world.building_b, name="Z")
    entry = LogEntry.objects.get_for_object(tower).filter(changes__icontains="units_imported").get()
    system = User.objects.get(email=SYSTEM_EMAIL)
    assert entry.actor == system and not system.is_active and not system.has_usable_password()
    assert entry.additional_data == {"file": "unit.csv"}
    english.force_login(world.kpu_provinsi)
    text = " ".join(_lines(_timeline(english, world.building_b)))
    assert "Sistem (baris perintah) imported units into" in text
    assert "1 new, 0 updated (from the file unit.csv)" in text


def test_an_unknown_actor_is_refused(tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "gedung.csv"
    path.write_text("nama,jenis,kelurahan\nRusun X,rusunawa,Rawajati\n")

    with pytest.raises(CommandError, match="--actor"):
        call_command("import_buildings", str(path), "--actor", "nobody@uji.coklit.id")
    assert not Building.objects.filter(name="Rusun X").exists()


def test_generate_units_records_its_actor(world):
    tower = TowerFactory(building=world.building_b, name="G", floors=2)

    call_command("generate_units", "--tower", str(tower.pk), "--units-per-floor", "2",
                 "--actor", world.kpu_kota_utara.email)  # fmt: skip

    entry = LogEntry.objects.get_for_object(tower).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world.kpu_kota_utara


def test_an_admin_import_records_the_file(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.kpu_provinsi)
    content = b"nama,jenis,kelurahan\nRusun Admin,rusunawa,31.72.04.1003\n"
    preview = client.post(reverse("admin:buildings_building_import"),
                          {"resource": 0, "import_file": SimpleUploadedFile("daftar-dinas.csv", content)})  # fmt: skip
    client.post(reverse("admin:buildings_building_process_import"),
                preview.context["confirm_form"].initial)  # fmt: skip

    entry = LogEntry.objects.get_for_object(Building.objects.get(name="Rusun Admin")).get()
    assert entry.actor == world.kpu_provinsi
    assert entry.additional_data == {"file": "daftar-dinas.csv"}
