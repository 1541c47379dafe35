"""The sample files in docs/samples/ go through the real imports, in the documented order.

gedung → unit (the import commands), undangan (the staff upload at /undangan/), the
invitations accepted from their emails, then hunian (the manager's portal) and penugasan
(the dashboard), each as the person the invitation sheet created. Every sample is tried as
CSV and as XLSX, and no row may be refused.
"""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Invitation, Role, User
from accounts.tests.factories import UserFactory
from accounts.validators import contains_nik
from buildings.imports import spreadsheet_read
from buildings.models import Building, Tower, Unit, UnitOccupancy
from buildings.tests.factories import kelurahan
from dashboard.assignments import SHEET_COLUMNS as ASSIGNMENT_COLUMNS
from dashboard.assignments import period_current
from invitations.forms import COLUMNS as INVITATION_COLUMNS
from visits.models import Assignment

pytestmark = pytest.mark.django_db

SAMPLES = settings.BASE_DIR / "docs" / "samples"
RAWAJATI = "31.74.08.1003"
PASSWORD = "lobi tower jasmine 2024"

# The columns each sample carries, as the importers read them (README, "Sample files").
COLUMNS = {
    "gedung": ["nama", "jenis", "alamat", "kelurahan", "kecamatan", "kota", "pengelola",
               "latitude", "longitude"],
    "unit": ["gedung", "tower", "lantai", "nomor", "hunian", "kelurahan"],
    "undangan": INVITATION_COLUMNS,
    "hunian": ["tower", "lantai", "nomor", "status", "waktu_terbaik"],
    "penugasan": list(ASSIGNMENT_COLUMNS),
}  # fmt: skip
FORMATS = ["csv", "xlsx"]


def _sample(name: str, fmt: str) -> Path:
    return SAMPLES / f"{name}.{fmt}"


def _text(value) -> str:
    """A cell as the CSV writes it: 3 for 3 (or 3.0), -6.25724 for -6.25724, '' for empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _rows(name: str, fmt: str) -> list[dict[str, str]]:
    """A sample read as the uploads read it (buildings.imports.spreadsheet_read), as text."""
    data = spreadsheet_read(_sample(name, fmt).read_bytes())
    return [{h: _text(v) for h, v in zip(data.headers, row, strict=True)} for row in data]


@pytest.fixture
def kpu_provinsi():
    """Staff of KPU DKI Jakarta: may invite every role, anywhere in the province."""
    return UserFactory(
        email="provinsi@uji.coklit.id", role=Role.KPU_PROVINSI, region=None, is_staff=True
    )


# --- The files themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("name", COLUMNS)
def test_the_csv_and_the_xlsx_of_a_sample_hold_the_same_rows(name):
    raw = _sample(name, "csv").read_bytes()
    assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(COLUMNS[name])
    assert _rows(name, "csv") == _rows(name, "xlsx")
    assert _rows(name, "csv"), "a sample without rows teaches nothing"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", COLUMNS)
def test_a_sample_holds_no_id_numbers_and_only_example_addresses(name, fmt):
    for row in _rows(name, fmt):
        for column, value in row.items():
            assert not contains_nik(value), (name, column, value)
        if row.get("email"):
            assert row["email"].endswith("@contoh.coklit.id"), row["email"]


# --- Through the real code paths, in order ----------------------------------------------------


def _command(name: str, path: Path) -> str:
    """Run an import command in English; a refused row raises CommandError with its line."""
    out = io.StringIO()
    with translation.override("en"):
        call_command(name, str(path), stdout=out)
    return out.getvalue()


def _upload(client, url: str, path: Path):
    client.cookies["django_language"] = "en"
    return client.post(url, {"file": SimpleUploadedFile(path.name, path.read_bytes())})


def _refused(response, key: str):
    """What the page listed as refused, for the failure message."""
    return response.context and response.context.get(key)


def _buildings_import(fmt: str) -> None:
    output = _command("import_buildings", _sample("gedung", fmt))

    rows = _rows("gedung", fmt)
    assert f"Imported: {len(rows)} new, 0 updated, 0 unchanged" in output
    imported = {b.name: b for b in Building.objects.select_related("kelurahan")}
    assert {name: imported[name].kelurahan.name for name in imported} == {
        row["nama"]: row["kelurahan"] for row in rows
    }


def _units_import(fmt: str) -> None:
    output = _command("import_units", _sample("unit", fmt))

    rows = _rows("unit", fmt)
    assert f"Imported: {len(rows)} new, 0 updated, 0 unchanged" in output
    units = Unit.objects.filter(tower__building__name="Kalibata City")
    assert sorted(units.values_list("tower__name", "floor", "number")) == sorted(
        (row["tower"], int(row["lantai"]), row["nomor"]) for row in rows
    )
    assert set(units.filter(residential=False).values_list("number", flat=True)) == {
        row["nomor"] for row in rows if row["hunian"] == "tidak"
    }
    assert dict(Tower.objects.values_list("name", "floors")) == {"Jasmine": 3, "Herbras": 3}


def _invitations_upload(fmt, kpu_provinsi, capture_on_commit) -> None:
    client = Client()
    client.force_login(kpu_provinsi)
    preview = _upload(client, reverse("invitation_upload"), _sample("undangan", fmt))
    assert "token" in preview.context, _refused(preview, "problems")
    with capture_on_commit(execute=True):
        response = client.post(reverse("invitation_upload"), {"confirm": preview.context["token"]})

    assert response.status_code == 302, _refused(response, "problems")
    invited = {
        i.email: (i.role, i.region and i.region.name, i.building and i.building.name, i.tps)
        for i in Invitation.objects.select_related("region", "building")
    }
    assert invited == {
        row["email"]: (
            row["peran"].lower(),
            row["wilayah"] or None,
            row["gedung"] or None,
            row["tps"],
        )
        for row in _rows("undangan", fmt)
    }


def _accept(mailoutbox) -> dict[str, Client]:
    """Each invitee signs up from their email's link; their signed-in browsers, by email."""
    browsers = {}
    for message in mailoutbox:
        email = message.to[0]
        name = Invitation.objects.get(email=email).full_name
        link = re.search(r"https?://\S+/undangan/terima/\S+/", message.body).group(0)
        browser = Client()
        response = browser.get(urlsplit(link).path)
        assert response.status_code == 302 and response["Location"] == reverse("account_signup")
        response = browser.post(
            reverse("account_signup"),
            {"full_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302, email
        browsers[email] = browser
    return browsers


def _occupancy_upload(fmt, manager: Client) -> None:
    building = Building.objects.get(name="Kalibata City")
    url = reverse("portal_occupancy_upload", args=[building.pk])
    response = _upload(manager, url, _sample("hunian", fmt))

    assert response.status_code == 302, _refused(response, "problems")
    status = {"dihuni": "occupied", "kosong": "vacant", "usaha": "business"}
    assert set(
        UnitOccupancy.objects.values_list(
            "unit__tower__name", "unit__number", "status", "best_time"
        )
    ) == {
        (row["tower"], row["nomor"], status[row["status"]], row["waktu_terbaik"])
        for row in _rows("hunian", fmt)
    }


def _assignments_upload(fmt, assigner: Client) -> None:
    url = reverse("dashboard_assignment_upload", args=[RAWAJATI])
    response = _upload(assigner, url, _sample("penugasan", fmt))

    assert response.status_code == 302, _refused(response, "sheet_problems")
    assigned = Assignment.objects.filter(period=period_current(), building__name="Kalibata City")
    assert set(assigned.values_list("pantarlih__email", "tower__name", "tps")) == {
        (row["email"], row["tower"], row["tps"]) for row in _rows("penugasan", fmt)
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_sample_is_accepted_in_the_documented_order(
    fmt, kpu_provinsi, mailoutbox, django_capture_on_commit_callbacks
):
    _buildings_import(fmt)
    _units_import(fmt)
    _invitations_upload(fmt, kpu_provinsi, django_capture_on_commit_callbacks)

    browsers = _accept(mailoutbox)
    people = {u.email: u for u in User.objects.filter(email__in=browsers)}
    assert len(people) == len(_rows("undangan", fmt))
    rawajati = kelurahan(RAWAJATI)
    pps = next(u for u in people.values() if u.role == Role.PPS)
    assert pps.region == rawajati and pps.phone.startswith("+62")
    manager = next(
        u for u in people.values() if u.managed_buildings.filter(building__name="Kalibata City")
    )

    _occupancy_upload(fmt, browsers[manager.email])
    _assignments_upload(fmt, browsers[pps.email])
