from buildings.imports import buildings_import
from buildings.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import or update buildings from a CSV (comma or semicolon) or XLSX file with the "
        "housing office's columns: nama, jenis, alamat, kelurahan, kecamatan, kota, pengelola, "
        "latitude, longitude (optional: catatan_akses, kontak, telepon, posko, aktif). "
        "A building is found again by (nama, kelurahan). All rows or none are written, "
        "unless --skip-invalid."
    )
    import_function = staticmethod(buildings_import)
