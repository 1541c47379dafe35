"""Reading spreadsheet cells the way people fill them in, for the building and unit imports.

Kelurahan by code or name, choices by value or label, yes/no in Indonesian or English,
coordinates with a decimal comma, whole numbers that Excel stored as 12.0.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets

from buildings.models import Region
from buildings.regions import normalize_region_name

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

    Kelurahan names are unique within DKI Jakarta once spaces and case are ignored
    ("Pal Merah" = "Palmerah"), so a name is enough; the code is the unambiguous choice.
    """

    def __init__(self, region_code: str | None = None):
        self.region_code = region_code
        self.by_code = {}
        self.by_name = {}
        for region in Region.objects.filter(level=Region.Level.KELURAHAN):
            self.by_code[region.code] = region
            self.by_name[normalize_region_name(region.name)] = region

    def resolve(self, value) -> Region:
        text = tidy(value)
        if not text:
            raise ValueError(_("A kelurahan (Kemendagri code or name) is required."))
        region = self.by_code.get(text) or self.by_name.get(
            normalize_region_name(_KELURAHAN_PREFIX.sub("", text))
        )
        if region is None:
            raise ValueError(
                _("Unknown kelurahan “%(value)s”: give its Kemendagri code or exact name.")
                % {"value": text}
            )
        if not in_region(region.code, self.region_code):
            raise ValueError(
                _("Kelurahan %(name)s is outside your region.") % {"name": region.name}
            )
        return region


class KelurahanWidget(widgets.Widget):
    def __init__(self, resolver_owner):
        super().__init__()
        # The resource owns the resolver; it is built in before_import, after the widget.
        self.resolver_owner = resolver_owner

    def clean(self, value, row=None, **kwargs):
        return self.resolver_owner.kelurahan_resolver.resolve(value)

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


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
        if number is None or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
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
