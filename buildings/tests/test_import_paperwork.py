"""Issue #16, item 5: the admin import speaks the README's language and names every mistake.

It listed `name, kind, …, manager_org`, said "Confirm import" and "Import finished: … gedung";
a stray `;` gave "'InvalidDimensions' encountered…" with no line; its row numbers were one
less than the spreadsheet's (and the command's) "Baris 11"; only a row's first problem was
told. The English wording is asserted here, as our own msgids (the Indonesian comes from the
catalog); the import-export package's own English must never reach these screens.
"""

import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from buildings.models import Building, Unit
from buildings.tests.factories import BuildingFactory, kelurahan

pytestmark = pytest.mark.django_db

BUILDINGS_IMPORT = reverse("admin:buildings_building_import")
BUILDINGS_CONFIRM = reverse("admin:buildings_building_process_import")
UNITS_IMPORT = reverse("admin:buildings_unit_import")

README_BUILDING_COLUMNS = [
    "nama", "jenis", "alamat", "kelurahan", "kecamatan", "kota", "pengelola", "latitude",
    "longitude", "catatan_akses", "kontak", "telepon", "posko", "aktif",
]  # fmt: skip
README_UNIT_COLUMNS = ["gedung", "kelurahan", "tower", "lantai", "nomor", "hunian"]

# What django-import-export says on its own: none of it may show (it has no Indonesian).
PACKAGE_ENGLISH = [
    "This importer will import the following fields",
    "This exporter will export the following fields",
    "Confirm import",
    "Import finished",
    "encountered while trying to read file",
    "Some rows failed to validate",
    "File to import",
    "Non field specific",
    "No valid data to import",
    "manager_org",
    "posko_available",
]

HEADER = "nama;jenis;alamat;kelurahan;kecamatan;kota;pengelola;latitude;longitude\n"


@pytest.fixture
def staff(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(UserFactory(role="kpu_provinsi", is_staff=True))
    return client


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def upload(client, url, content: bytes, name="gedung.csv"):
    return client.post(url, {"resource": 0, "import_file": SimpleUploadedFile(name, content)})


def no_package_english(html: str) -> None:
    assert [phrase for phrase in PACKAGE_ENGLISH if phrase in html] == []


def test_the_import_page_lists_the_readme_columns_and_offers_a_template_sheet(staff):
    html = staff.get(BUILDINGS_IMPORT).content.decode()

    no_package_english(html)
    assert "Import buildings" in html
    for column in README_BUILDING_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert reverse("admin:buildings_building_import_template_xlsx") in html
    assert reverse("admin:buildings_building_import_template_csv") in html
    # The file's kind is read from its content: nobody is asked for a format.
    assert 'name="format"' in html and 'type="hidden" name="format"' in html


def test_the_unit_import_page_lists_the_unit_columns(staff):
    html = staff.get(UNITS_IMPORT).content.decode()

    no_package_english(html)
    for column in README_UNIT_COLUMNS:
        assert f"<code>{column}</code>" in html


@pytest.mark.parametrize(
    "model, columns", [("building", README_BUILDING_COLUMNS), ("unit", README_UNIT_COLUMNS)]
)
def test_the_template_sheet_holds_the_readme_columns_and_explains_each(staff, model, columns):
    response = staff.get(reverse(f"admin:buildings_{model}_import_template_xlsx"))

    assert response["Content-Disposition"].startswith("attachment; filename=")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes = book.worksheets
    assert [c.value for c in next(data.iter_rows())] == columns
    assert data.max_row == 1  # no example row to forget and import by mistake
    explained = [row[0] for row in notes.iter_rows(min_row=2, values_only=True)]
    assert explained == columns
    required = {row[0] for row in notes.iter_rows(min_row=2, values_only=True) if row[1]}
    assert "kelurahan" in required if model == "building" else "gedung" in required

    csv = staff.get(reverse(f"admin:buildings_{model}_import_template_csv"))
    assert csv.content.decode("utf-8-sig").splitlines() == [",".join(columns)]


def test_the_template_sheet_once_filled_in_imports(staff):
    response = staff.get(reverse("admin:buildings_building_import_template_xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book.worksheets[0].append(["Gedung Templat", "apartemen", "", "Rawajati"])
    out = io.BytesIO()
    book.save(out)

    preview = upload(staff, BUILDINGS_IMPORT, out.getvalue(), name="gedung.xlsx")

    assert preview.context["result"].totals["new"] == 1


def test_the_preview_speaks_the_readme_columns_and_names_the_kelurahan(staff):
    content = (HEADER + "Rusun Uji;rusunawa;Jl. Uji;31.74.08.1003;;;UPRS Uji;;\n").encode()

    preview = upload(staff, BUILDINGS_IMPORT, content)

    html = preview.content.decode()
    no_package_english(html)
    assert "<th>pengelola</th>" in html and "<th>nama</th>" in html
    assert "Rawajati (31.74.08.1003)" in html
    assert "1 new, 0 updated, 0 unchanged." in html
    assert "Import 1 row" in html


def test_confirming_says_what_was_imported_in_our_words(staff):
    content = (HEADER + "Rusun Uji;rusunawa;;Rawajati;;;;;\n").encode()
    preview = upload(staff, BUILDINGS_IMPORT, content)

    response = staff.post(BUILDINGS_CONFIRM, preview.context["confirm_form"].initial, follow=True)

    (message,) = [str(m) for m in response.context["messages"]]
    no_package_english(message)
    assert message == "Buildings imported from gedung.csv: 1 new, 0 updated, 0 unchanged."
    assert Building.objects.filter(name="Rusun Uji").exists()


def test_a_refused_row_is_numbered_as_the_spreadsheet_numbers_it(staff):
    # Row 1 the header, 2 a good row, 3 blank, 4 the bad one: Excel shows "4".
    content = HEADER + "Rusun Uji;rusunawa;;Rawajati;;;;;\n\nRusun Dua;villa;;Rawajati;;;;;\n"

    html = upload(staff, BUILDINGS_IMPORT, content.encode()).content.decode()

    no_package_english(html)
    assert '<td class="line">4</td>' in html
    assert '<span class="validation-error-field-label">jenis</span>' in html
    assert not Building.objects.exists()


def test_the_command_numbers_rows_the_same_way(tmp_path, english):
    path = tmp_path / "gedung.csv"
    path.write_text(
        HEADER + "Rusun Uji;rusunawa;;Rawajati;;;;;\n\nRusun Dua;villa;;Rawajati;;;;;\n"
    )

    with pytest.raises(CommandError) as error:
        call_command("import_buildings", str(path))

    assert "Line 4, column jenis" in str(error.value)


def test_a_stray_semicolon_names_its_line_in_the_admin_and_the_command(staff, tmp_path, english):
    content = (
        HEADER
        + "Rusun Uji;rusunawa;;Rawajati;;;;;\n"
        + "Rusun Dua;rusunawa;Jl. Melati; No. 4;Rawajati;;;;;\n"
    )

    html = upload(staff, BUILDINGS_IMPORT, content.encode()).content.decode()

    no_package_english(html)
    assert "Line 3 has 10 cells, but the header row names 9 columns" in html
    assert "InvalidDimensions" not in html
    path = tmp_path / "gedung.csv"
    path.write_text(content)
    with pytest.raises(CommandError) as error:
        call_command("import_buildings", str(path))
    assert "Line 3 has 10 cells" in str(error.value)


def test_a_value_beside_the_last_column_of_an_xlsx_names_its_line(staff):
    book = openpyxl.Workbook()
    book.active.append(["nama", "jenis", "kelurahan"])
    book.active.append(["Rusun Uji", "rusunawa", "Rawajati"])
    book.active.append(["Rusun Dua", "rusunawa", "Rawajati", None, "catatan"])
    out = io.BytesIO()
    book.save(out)

    html = upload(staff, BUILDINGS_IMPORT, out.getvalue(), name="gedung.xlsx").content.decode()

    assert "Line 3 has a value in column 5, which has no header." in html


def test_a_header_without_rows_is_told_in_our_words(staff):
    html = upload(staff, BUILDINGS_IMPORT, HEADER.encode()).content.decode()

    no_package_english(html)
    assert "The file has a header row but no data rows." in html


def test_every_problem_of_a_building_row_is_told(tmp_path, english):
    path = tmp_path / "gedung.csv"
    path.write_text(
        HEADER
        + "Rusun Uji;rusunawa;;Rawajati;;;;;\n"
        + "Rusun Uji;villa;;Rawajati;;;;6.2;\n"  # twice in the file, a bad kind, a bad latitude
    )

    with pytest.raises(CommandError) as error:
        call_command("import_buildings", str(path))

    problems = str(error.value).splitlines()[1:]
    assert [p.split(":")[0] for p in problems] == [
        "Line 3, column nama", "Line 3, column jenis", "Line 3, column latitude",
    ]  # fmt: skip
    assert "already appears on line 2" in problems[0]


def test_every_problem_of_a_unit_row_is_told(staff):
    content = (
        "gedung,tower,lantai,nomor,hunian\n"
        "Gedung Hantu,A,satu,,mungkin\n"  # no such building, no number, a bad floor and flag
    ).encode()

    preview = upload(staff, UNITS_IMPORT, content, name="unit.csv")

    (row,) = preview.context["result"].invalid_rows
    assert row.number == 2
    assert set(row.error_dict) == {"building", "number", "floor", "residential"}
    html = preview.content.decode()
    for column in ("gedung", "nomor", "lantai", "hunian"):
        assert f'<span class="validation-error-field-label">{column}</span>' in html
    assert not Unit.objects.exists()


def test_a_unit_preview_names_the_buildings_kelurahan(staff):
    BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))
    content = b"gedung,tower,lantai,nomor\nKalibata City,A,1,A-0101\n"

    html = upload(staff, UNITS_IMPORT, content, name="unit.csv").content.decode()

    assert "Rawajati (31.74.08.1003)" in html
    assert "<th>gedung</th>" in html and "<th>lantai</th>" in html


def test_the_export_page_and_file_speak_the_readme_columns(staff):
    BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))
    url = reverse("admin:buildings_building_export")

    page = staff.get(url).content.decode()
    no_package_english(page)
    assert "Export buildings" in page
    assert "<code>pengelola</code>" in page
    formats = [label for _value, label in staff.get(url).context["form"].fields["format"].choices]
    assert formats == ["---", "csv", "xlsx"]

    response = staff.post(url, {"format": "0", "resource": "0"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:4] == ["nama", "jenis", "alamat", "kelurahan"]
    assert "Rawajati (31.74.08.1003)" in lines[1]
    assert 'filename="gedung-' in response["Content-Disposition"]
