"""Running the building and unit imports outside the admin: commands, the benchmark, tests.

An import is all or nothing: one refused row and nothing is written, so a corrected file
can simply be imported again (rows already there are updated or skipped, never doubled).
"""

from pathlib import Path

import tablib
from django.utils.translation import gettext as _
from import_export.results import Result

from buildings.resources import BuildingResource, UnitResource


def dataset_load(path: str | Path) -> tablib.Dataset:
    """A CSV (comma or semicolon, as Excel writes it in Indonesia) or XLSX file as a Dataset."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        with path.open("rb") as f:
            return tablib.Dataset().load(f, format="xlsx")
    if path.suffix.lower() != ".csv":
        raise ValueError(_("Only .csv and .xlsx files can be imported."))
    text = path.read_text(encoding="utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return tablib.Dataset().load(text, format="csv", delimiter=delimiter)


def _import(resource, dataset: tablib.Dataset, dry_run: bool) -> Result:
    return resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )


def buildings_import(
    *, dataset: tablib.Dataset, dry_run: bool = False, region_code: str | None = None
) -> Result:
    return _import(BuildingResource(region_code=region_code), dataset, dry_run)


def units_import(
    *, dataset: tablib.Dataset, dry_run: bool = False, region_code: str | None = None
) -> Result:
    return _import(UnitResource(region_code=region_code), dataset, dry_run)


def import_problems(result: Result, limit: int = 20) -> list[str]:
    """Readable lines for the first refused rows: "Row 7, kelurahan: Unknown kelurahan …"."""
    lines = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            for message in messages:
                lines.append(
                    _("Row %(row)s, %(field)s: %(message)s")
                    % {"row": invalid.number, "field": field, "message": message}
                )
    for error in result.base_errors:
        lines.append(str(error.error))
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(_("Row %(row)s: %(message)s") % {"row": number, "message": error.error})
    return lines[:limit]
