"""What a row of a units file must be, for both ways units are imported.

The admin's import (django-import-export with its preview, buildings/resources.py) and the
command line's (buildings/unit_import.py, set-based for files of 100,000 rows) read the same
columns with the same rules and say the same words about a refused row: each rule and its
wording is defined here, once, and the cells' own checks are the model fields' validators
(`unit_field_problems`), which the admin reaches through `full_clean()`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.validators import NIK_MESSAGE, contains_nik
from buildings.import_widgets import TidyCharWidget, WholeNumberWidget, YesNoWidget, tidy
from buildings.models import Building, Tower, Unit

TOWER_NAME_MAX_LENGTH = Tower._meta.get_field("name").max_length
# The unit fields a row sets, in the model's order (the order full_clean() reports them in);
# the others (status, totals) are never touched by an import.
UNIT_ROW_FIELDS = ("floor", "number", "residential")

# How each cell is read: the widgets the admin's resource declares for these columns.
read_floor = WholeNumberWidget().clean
read_number = TidyCharWidget().clean
read_residential = YesNoWidget().clean


def tower_name_problem(name: str) -> str | None:
    """Why this (tidied) tower name cannot be used, or None."""
    if not name:
        return _("A tower (or block) name is required.")
    if len(name) > TOWER_NAME_MAX_LENGTH:
        return _("A tower name has at most 50 characters.")
    if contains_nik(name):
        return str(NIK_MESSAGE)
    return None


def number_problem(number: str) -> str | None:
    """Why this (tidied) unit number cannot identify a unit, before the model's own checks."""
    return None if number else _("A unit number is required.")


def unit_repeated_problem(first_line: int) -> str:
    return _("This unit already appears on line %(line)s of this file.") % {"line": first_line}


def new_tower_floors(highest_floor: int) -> int:
    """How tall a tower the import creates is: its highest floor in the file, within 1–150."""
    return min(max(highest_floor, 1), 150)


def unit_field_problems(name: str, value) -> list[str]:
    """The model's own checks of the unit field `name` (validators, null, length), as
    `Model.full_clean()` runs them and in its words: [] when the value passes."""
    model_field = Unit._meta.get_field(name)
    if model_field.blank and value in model_field.empty_values:
        return []
    try:
        model_field.clean(value, None)
    except ValidationError as e:
        return e.messages
    return []


class BuildingFinder:
    """Finds a row's building by name, and by kelurahan when two buildings share the name.

    Every building (of the region, if one is given) is read once; a row's building is then
    found in dictionaries. A ValidationError says why there is none, by column, and a refused
    name (with its kelurahan) is refused again without another look.
    """

    def __init__(self, kelurahan_resolver, region_code: str | None = None):
        self.kelurahan_resolver = kelurahan_resolver
        buildings = Building.objects.only("id", "name", "kelurahan_id")
        if region_code:
            buildings = buildings.in_region(region_code)
        self.buildings = {(b.kelurahan_id, b.name.lower()): b for b in buildings}
        self.by_name = {}
        for building in self.buildings.values():
            self.by_name.setdefault(building.name.lower(), []).append(building)
        self.errors = {}
        self.found = {}

    def find(self, name, kelurahan, kecamatan=None, kota=None) -> Building:
        name, raw_kelurahan = tidy(name), tidy(kelurahan)
        cache_key = (name.lower(), raw_kelurahan)
        if cache_key in self.errors:
            raise ValidationError(self.errors[cache_key])
        found_key = (name, raw_kelurahan, tidy(kecamatan), tidy(kota))
        building = self.found.get(found_key)
        if building is not None:
            return building
        try:
            building = self._find(name, raw_kelurahan, kecamatan, kota)
        except ValueError as e:
            self.errors[cache_key] = {"kelurahan": [str(e)]}
            raise ValidationError(self.errors[cache_key]) from None
        except ValidationError as e:
            self.errors[cache_key] = e.message_dict
            raise
        self.found[found_key] = building
        return building

    def _find(self, name, raw_kelurahan, kecamatan, kota) -> Building:
        if not name:
            raise ValidationError({"building": _("A building name is required.")})
        if raw_kelurahan:
            kelurahan = self.kelurahan_resolver.resolve(raw_kelurahan, kecamatan, kota)
            building = self.buildings.get((kelurahan.pk, name.lower()))
            where = _(" in kelurahan %(kelurahan)s") % {"kelurahan": kelurahan.name}
        else:
            same_name = self.by_name.get(name.lower(), [])
            if len(same_name) > 1:
                raise ValidationError(
                    {
                        "building": _(
                            "There are %(count)s buildings named “%(name)s”: add a "
                            "kelurahan column to say which."
                        )
                        % {"count": len(same_name), "name": name}
                    }
                )
            building = same_name[0] if same_name else None
            where = ""
        if building is None:
            raise ValidationError(
                {
                    "building": _(
                        "No building “%(name)s”%(where)s; import the building list first."
                    )
                    % {"name": name, "where": where}
                }
            )
        return building
