"""The buildings and units files the import bench imports, written as people keep them."""

import csv
import itertools
import re

# "Kota Administrasi Jakarta Selatan" → "Jakarta Selatan", as people write it.
_KOTA_OFFICIAL_PREFIX = re.compile(r"^(Kota|Kabupaten) Administrasi ")


def kota_as_written(official_name: str) -> str:
    return _KOTA_OFFICIAL_PREFIX.sub("", official_name)


def spreadsheet_writer(f):
    """What Excel in the Indonesian locale saves as "CSV UTF-8": semicolons, after a BOM."""
    return csv.writer(f, delimiter=";")


def decimal_comma(value: float) -> str:
    return f"{value:.7f}".replace(".", ",")


def write_buildings(path, count, kelurahan, rng) -> dict[str, str]:
    """The buildings file; returns each building's name and the kelurahan code it must get."""
    kinds = ["apartemen"] * 6 + ["rusunawa"] * 3 + ["rusunami"]
    expected = {}
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = spreadsheet_writer(f)
        writer.writerow(
            [
                "nama",
                "jenis",
                "alamat",
                "kelurahan",
                "kecamatan",
                "kota",
                "pengelola",
                "latitude",
                "longitude",
            ]
        )
        for i in range(count):
            name = f"Hunian Vertikal {i:04d}"
            code, kelurahan_name, kecamatan, kota = rng.choice(kelurahan)
            kind = rng.choice(kinds)
            # Public rented flats are run by a UPRS, owned ones by their residents' PPPSRS.
            manager = f"UPRS {kecamatan}" if kind == "rusunawa" else f"PPPSRS {name}"
            expected[name] = code
            writer.writerow(
                [
                    name,
                    kind,
                    f"Jl. Bench No. {i}",
                    kelurahan_name,
                    kecamatan,
                    kota,
                    manager,
                    decimal_comma(rng.uniform(-6.37, -6.08)),
                    decimal_comma(rng.uniform(106.68, 106.97)),
                ]
            )
    return expected


def write_units(path, count, buildings, rng, flip_residential=False):
    """Units tower by tower, floor by floor, until `count` rows are written."""
    written = 0
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = spreadsheet_writer(f)
        writer.writerow(["gedung", "tower", "lantai", "nomor", "hunian"])
        for t in itertools.count():
            name = buildings[t % len(buildings)]
            tower = f"Tower {t // len(buildings) + 1}"
            floors, per_floor = rng.randint(10, 40), rng.randint(4, 16)
            for floor in range(1, floors + 1):
                for unit in range(1, per_floor + 1):
                    if written == count:
                        return
                    # The lowest units of a tower are often shops.
                    residential = not (floor == 1 and unit <= 2)
                    if flip_residential:
                        residential = not residential
                    writer.writerow(
                        [
                            name,
                            tower,
                            floor,
                            f"{floor:02d}{unit:02d}",
                            "ya" if residential else "tidak",
                        ]
                    )
                    written += 1
