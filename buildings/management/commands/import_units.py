from buildings.imports import units_import
from buildings.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import or update units from a CSV or XLSX file (columns: building, kelurahan, tower, "
        "floor, number, residential); missing towers are created. All rows or none are written."
    )
    import_function = staticmethod(units_import)
