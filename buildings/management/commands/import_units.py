from buildings.imports import sheet_load
from buildings.management.import_command import ImportCommand
from buildings.unit_import import units_bulk_import


class Command(ImportCommand):
    help = (
        "Import or update units from a CSV or XLSX file with the columns gedung, tower, "
        "lantai, nomor, hunian (add kelurahan when two buildings share a name); missing "
        "towers are created. All rows or none are written, unless --skip-invalid."
    )

    # Not django-import-export's row-by-row pipeline (the admin's, for its preview): the same
    # rules, with set-based reads and writes, for files of 100,000 rows (unit_import.py).
    def read(self, path):
        return sheet_load(path)

    @staticmethod
    def import_function(*, dataset, **options):
        return units_bulk_import(sheet=dataset, **options)

    def problems(self, result):
        return result.problems
