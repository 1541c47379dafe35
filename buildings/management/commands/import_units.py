from buildings.imports import units_import
from buildings.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import or update units from a CSV or XLSX file with the columns gedung, tower, "
        "lantai, nomor, hunian (add kelurahan when two buildings share a name); missing "
        "towers are created. All rows or none are written, unless --skip-invalid."
    )
    import_function = staticmethod(units_import)
