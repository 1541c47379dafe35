"""Running the building and unit imports outside the admin: commands, the benchmark, tests.

An import is all or nothing: one refused row and nothing is written, so a corrected file
can simply be imported again (rows already there are updated or skipped, never doubled).
"""

import contextlib
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import Result

from accounts.audit import audit_context
from buildings.import_widgets import column_label
from buildings.resources import BuildingResource, UnitResource

# Problems a malformed file gets named by line, at most this many (then "and N more").
MALFORMED_LINES_SHOWN = 20


def _csv_rows(raw: bytes | str) -> list[list]:
    """The records of a CSV as spreadsheets write it here: comma or semicolon (Excel in
    Indonesian), BOM or not, UTF-8 or the Windows code page older Excel uses. Blank records
    are kept (as []), so record n is the spreadsheet's row n."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raw = raw.decode("cp1252", errors="replace")
    text = raw.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(raw: bytes) -> list[list]:
    """The first sheet's rows, with openpyxl's trailing empty cells."""
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _blank(cell) -> bool:
    return cell is None or not str(cell).strip()


@dataclass
class Sheet:
    """A file's header row and data rows, blank rows left out; `lines[i]` is the spreadsheet
    row (the header is row 1) of `rows[i]`. The command-line units import reads this as it
    is; the resources get it as a Dataset whose `sheet_lines` are the `lines`."""

    headers: list[str]
    rows: list[list]
    lines: list[int]


def sheet_parse(rows: list[list], *, csv_file: bool) -> Sheet:
    """A header row and data rows, keeping the spreadsheet's row numbers.

    Blank rows are left out, but each row keeps its spreadsheet row number, so every problem
    is named by the row Excel shows. A row with more cells than the header has columns is
    refused with its line: in a CSV a stray `;` or `,` (or a value holding one without
    quotes) shifts the cells after it, and importing shifted cells would put values in the
    wrong columns.
    """
    if not rows or all(_blank(cell) for cell in rows[0]):
        raise ValueError(_("The file has no header row."))
    headers = ["" if cell is None else str(cell).strip() for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    malformed, data, lines = [], [], []
    for line, row in enumerate(rows[1:], start=2):
        # A CSV's cells are all text: blank together when their concatenation is.
        if not ("".join(row).strip() if csv_file else any(not _blank(c) for c in row)):
            continue
        extra = row[width:]
        if csv_file and extra:
            malformed.append(
                _(
                    "Line %(line)s has %(cells)s cells, but the header row names %(columns)s "
                    "columns: a stray ; or , (or a value holding one, not in double quotes) "
                    "shifts the cells. Remove it, or put the value in double quotes."
                )
                % {"line": line, "cells": len(row), "columns": width}
            )
            continue
        if not csv_file and any(not _blank(cell) for cell in extra):
            column = width + next(i for i, cell in enumerate(extra) if not _blank(cell)) + 1
            malformed.append(
                _("Line %(line)s has a value in column %(column)s, which has no header.")
                % {"line": line, "column": column}
            )
            continue
        if not csv_file:
            # An empty XLSX cell is None; as "" it reads as an empty text, like a CSV's.
            row = ["" if cell is None else cell for cell in row[:width]]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        data.append(row)
        lines.append(line)
    if malformed:
        shown = malformed[:MALFORMED_LINES_SHOWN]
        if len(malformed) > len(shown):
            shown.append(_("… and %(count)s more lines.") % {"count": len(malformed) - len(shown)})
        raise ValueError("\n".join(shown))
    return Sheet(headers=headers, rows=data, lines=lines)


def sheet_line(dataset: tablib.Dataset, number: int) -> int:
    """The spreadsheet row (header = 1) of the dataset's data row `number` (counted from 1)."""
    lines = getattr(dataset, "sheet_lines", None)
    return lines[number - 1] if lines and 0 < number <= len(lines) else number + 1


class SpreadsheetCSV(CSV):
    """The admin's formats read the bytes as they are, CSV or XLSX by their content, so the
    file's format never has to be chosen (and a wrong choice cannot break the reading)."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return spreadsheet_read(in_stream)

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"


class SpreadsheetXLSX(XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return spreadsheet_read(in_stream)


def dataset_load(path: str | Path) -> tablib.Dataset:
    """A .csv or .xlsx file (the first sheet) as a Dataset."""
    return _dataset(sheet_load(path))


def sheet_load(path: str | Path) -> Sheet:
    """A .csv or .xlsx file (the first sheet) as a Sheet."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(_("Only .csv and .xlsx files can be imported."))
    return sheet_read(path.read_bytes())


def _dataset(sheet: Sheet) -> tablib.Dataset:
    dataset = tablib.Dataset(*sheet.rows, headers=sheet.headers)
    dataset.sheet_lines = sheet.lines
    return dataset


def spreadsheet_read(raw: bytes) -> tablib.Dataset:
    """An uploaded or stored sheet as a Dataset (see `sheet_read`)."""
    return _dataset(sheet_read(raw))


def sheet_read(raw: bytes) -> Sheet:
    """An uploaded or stored sheet: XLSX (a zip) by its content, else CSV.

    A file that cannot be read is a ValueError with a readable message, whatever csv or
    openpyxl raised (a broken zip, bad XML, …), so the import commands and the admin report
    it cleanly; so is a row with more cells than the header (named by its line).
    """
    try:
        if raw[:2] == b"PK":
            rows, csv_file = _xlsx_rows(raw), False
        else:
            rows, csv_file = _csv_rows(raw), True
    except Exception as error:  # noqa: BLE001 — the readers raise many kinds on a broken file
        raise ValueError(_("The file could not be read as CSV or XLSX.")) from error
    return sheet_parse(rows, csv_file=csv_file)


def _import(resource, dataset: tablib.Dataset, dry_run: bool, skip_invalid: bool, user, file_name):
    """`user` and `file_name` go into the audit rows (who ran it, from which file)."""
    with audit_context(actor=user, file=file_name) if user else contextlib.nullcontext():
        return resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=not skip_invalid,
            user=user,
            file_name=file_name,
        )


def buildings_import(
    *,
    dataset: tablib.Dataset,
    dry_run: bool = False,
    region_code: str | None = None,
    skip_invalid: bool = False,
    user=None,
    file_name: str | None = None,
) -> Result:
    """All or nothing, unless `skip_invalid`: then the valid rows are written."""
    resource = BuildingResource(region_code=region_code)
    return _import(resource, dataset, dry_run, skip_invalid, user, file_name)


def units_import(
    *,
    dataset: tablib.Dataset,
    dry_run: bool = False,
    region_code: str | None = None,
    skip_invalid: bool = False,
    user=None,
    file_name: str | None = None,
) -> Result:
    resource = UnitResource(region_code=region_code)
    return _import(resource, dataset, dry_run, skip_invalid, user, file_name)


def import_problems(result: Result, limit: int | None = 20) -> list[str]:
    """Readable lines for the refused rows: "Line 7, column kelurahan: Unknown kelurahan …".

    Rows are numbered as the spreadsheet numbers them (the resources renumber them): the
    header is line 1, the first data row line 2, and a blank row still takes its number.
    """
    lines = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            for message in messages:
                lines.append(
                    _("Line %(line)s, column %(column)s: %(message)s")
                    % {"line": invalid.number, "column": column_label(field), "message": message}
                )
    for error in result.base_errors:
        lines.append(str(error.error))
    for row in result.error_rows:
        for error in row.errors:
            lines.append(
                _("Line %(line)s: %(message)s") % {"line": row.number, "message": error.error}
            )
    return lines if limit is None else lines[:limit]
