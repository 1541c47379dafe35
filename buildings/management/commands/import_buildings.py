from buildings.imports import buildings_import
from buildings.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import or update buildings from a CSV or XLSX file (columns: name, kind, address, "
        "kelurahan, latitude, longitude, manager_org, access_notes, contact_name, "
        "contact_phone, posko_available, active). All rows or none are written."
    )
    import_function = staticmethod(buildings_import)
