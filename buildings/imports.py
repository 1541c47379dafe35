"""Running the building and unit imports outside the admin: commands, the benchmark, tests.

An import is all or nothing: one refused row and nothing is written, so a corrected file
can simply be imported again (rows already there are updated or skipped, never doubled).
"""

from pathlib import Path

import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import Result

from buildings.resources import BuildingResource, UnitResource


class SpreadsheetCSV(CSV):
    """CSV as spreadsheets write it here: comma or semicolon (Excel in Indonesian), BOM or not."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode(self.encoding or "utf-8-sig")
            except UnicodeDecodeError:
                # Older Excel saves "CSV" in the Windows code page.
                in_stream = in_stream.decode("cp1252", errors="replace")
        in_stream = in_stream.removeprefix("\ufeff")
        first_line = in_stream.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        return tablib.import_set(in_stream, format="csv", delimiter=delimiter)


def dataset_load(path: str | Path) -> tablib.Dataset:
    """A .csv or .xlsx file (the first sheet) as a Dataset."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(_("Only .csv and .xlsx files can be imported."))
    return spreadsheet_read(path.read_bytes())


def spreadsheet_read(raw: bytes) -> tablib.Dataset:
    """An uploaded or stored sheet as a Dataset: XLSX (a zip) by its content, else CSV.

    A file that cannot be read is a ValueError with a readable message, whatever tablib or
    openpyxl raised (a broken zip, bad XML, …), so the import commands report it cleanly.
    """
    try:
        if raw[:2] == b"PK":
            dataset = XLSX().create_dataset(raw)
        else:
            dataset = SpreadsheetCSV(encoding="utf-8-sig").create_dataset(raw)
    except Exception as error:  # noqa: BLE001 — the readers raise many kinds on a broken file
        raise ValueError(_("The file could not be read as CSV or XLSX.")) from error
    if not dataset.headers:  # an empty first line: nobody can tell the columns
        raise ValueError(_("The file has no header row."))
    return dataset


def _import(resource, dataset: tablib.Dataset, dry_run: bool, skip_invalid: bool) -> Result:
    return resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=not skip_invalid,
    )


def buildings_import(
    *,
    dataset: tablib.Dataset,
    dry_run: bool = False,
    region_code: str | None = None,
    skip_invalid: bool = False,
) -> Result:
    """All or nothing, unless `skip_invalid`: then the valid rows are written."""
    return _import(BuildingResource(region_code=region_code), dataset, dry_run, skip_invalid)


def units_import(
    *,
    dataset: tablib.Dataset,
    dry_run: bool = False,
    region_code: str | None = None,
    skip_invalid: bool = False,
) -> Result:
    return _import(UnitResource(region_code=region_code), dataset, dry_run, skip_invalid)


# The column each field is read from, as the documented spreadsheets name it.
COLUMN_NAMES = {
    "name": "nama",
    "kind": "jenis",
    "address": "alamat",
    "manager_org": "pengelola",
    "access_notes": "catatan_akses",
    "contact_name": "kontak",
    "contact_phone": "telepon",
    "posko_available": "posko",
    "active": "aktif",
    "building": "gedung",
    "floor": "lantai",
    "number": "nomor",
    "residential": "hunian",
}


def import_problems(result: Result, limit: int | None = 20) -> list[str]:
    """Readable lines for the refused rows: "Line 7, column kelurahan: Unknown kelurahan …".

    Lines count as the spreadsheet does: the header is line 1, the first data row line 2.
    """
    lines = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            for message in messages:
                lines.append(
                    _("Line %(line)s, column %(column)s: %(message)s")
                    % {
                        "line": invalid.number + 1,
                        "column": COLUMN_NAMES.get(field, field),
                        "message": message,
                    }
                )
    for error in result.base_errors:
        lines.append(str(error.error))
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(
                _("Line %(line)s: %(message)s") % {"line": number + 1, "message": error.error}
            )
    return lines if limit is None else lines[:limit]
