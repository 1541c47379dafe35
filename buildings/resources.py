"""Bulk import of buildings and units (django-import-export), from CSV or XLSX.

Both resources look rows up in dictionaries filled once per import instead of one query per
row, so a 100,000-row unit file imports in seconds (see bench/import_bench.py); they check
fields without the per-row uniqueness queries of `full_clean()`, because the lookups already
decide create-or-update, and they refuse a key that appears twice in one file.

A resource can be limited to a region (`region_code`, a Kemendagri code prefix such as
"31.74"): rows outside it are refused, and units only find buildings inside it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from accounts.audit import UPDATE, audit_bulk
from accounts.spreadsheets import spreadsheet_safe
from buildings.import_widgets import (
    ChoiceWidget,
    CoordinateWidget,
    KelurahanResolver,
    KelurahanWidget,
    TidyCharWidget,
    WholeNumberWidget,
    YesNoWidget,
    column_label,
    header_key,
    kelurahan_label,
    tidy,
)
from buildings.models import Building, Tower, Unit
from buildings.unit_rules import (
    BuildingFinder,
    new_tower_floors,
    number_problem,
    read_floor,
    read_number,
    tower_name_problem,
    unit_repeated_problem,
)

# Rows the admin's import preview lists (templates/buildings/admin_import.html).
PREVIEW_ROWS = 500


@dataclass(frozen=True)
class ImportColumn:
    """A column of an import's spreadsheet, as docs/imports.md documents it."""

    name: str
    required: bool
    meaning: str


BUILDING_COLUMNS = (
    ImportColumn("nama", True, gettext_lazy(
        "building or complex name; with the kelurahan it identifies the building, so "
        "importing it again updates it")),
    ImportColumn("jenis", True, gettext_lazy("apartemen, rusunami, rusunawa or lainnya")),
    ImportColumn("alamat", False, gettext_lazy("street address")),
    ImportColumn("kelurahan", True, gettext_lazy(
        "Kemendagri code (31.74.08.1003) or name (Rawajati), in any case or spacing")),
    ImportColumn("kecamatan", False, gettext_lazy(
        "picks between kelurahan of the same name; must agree with it")),
    ImportColumn("kota", False, gettext_lazy(
        "as people write it (Jakarta Selatan); must agree with the kelurahan")),
    ImportColumn("pengelola", False, gettext_lazy(
        "the organisation that runs it (PPPSRS, UPRS, a company), not a person")),
    ImportColumn("latitude", False, gettext_lazy(
        "decimal degrees inside DKI Jakarta (-6.42 to -5.10); a decimal comma is fine")),
    ImportColumn("longitude", False, gettext_lazy(
        "decimal degrees inside DKI Jakarta (106.30 to 107.00); give both or neither")),
    ImportColumn("catatan_akses", False, gettext_lazy(
        "access rules: hours, what to show, where to report")),
    ImportColumn("kontak", False, gettext_lazy("the contact person on duty")),
    ImportColumn("telepon", False, gettext_lazy("the contact's phone number")),
    ImportColumn("posko", False, gettext_lazy("room for a posko in the lobby: ya or tidak")),
    ImportColumn("aktif", False, gettext_lazy("ya or tidak (empty: ya)")),
)  # fmt: skip

UNIT_COLUMNS = (
    ImportColumn("gedung", True, gettext_lazy("the building's nama, already imported")),
    ImportColumn("kelurahan", False, gettext_lazy(
        "the building's kelurahan; needed only when two buildings share a name")),
    ImportColumn("tower", True, gettext_lazy(
        "tower or block (also read as blok or menara), at most 50 characters; created if new")),
    ImportColumn("lantai", True, gettext_lazy(
        "floor, a whole number from -10 to 150 (negative for basements)")),
    ImportColumn("nomor", True, gettext_lazy("unit number, once per tower in a file")),
    ImportColumn("hunian", False, gettext_lazy("is it a dwelling? ya or tidak (empty: ya)")),
)  # fmt: skip


class ScopedResource(resources.ModelResource):
    """What both imports share: a region limit, header aliases and query-free validation."""

    # Foreign keys resolved by our own lookups; full_clean() would query each one again.
    resolved_fields = ()
    # From the model to its kelurahan's code, and what an exported row reads on the way.
    region_path = ""
    export_related = ()

    # The documented columns, in the Indonesian names of docs/imports.md: the admin's import page lists
    # them and the template sheet is made of them. `file_stem` names the sheets and exports.
    columns = ()
    file_stem = ""

    def __init__(self, region_code: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.region_code = region_code
        self.kelurahan_resolver = None
        self.sheet_lines = None
        self.row_problems = {}

    def before_import(self, dataset, **kwargs):
        dataset.headers = [header_key(h) for h in dataset.headers or []]
        self.kelurahan_resolver = KelurahanResolver(self.region_code)
        self.seen_keys = {}
        self.sheet_lines = getattr(dataset, "sheet_lines", None)

    def line_of(self, row_number: int) -> int:
        """The spreadsheet row (header = 1) of the import's row `row_number` (from 1)."""
        lines = self.sheet_lines
        return lines[row_number - 1] if lines and 0 < row_number <= len(lines) else row_number + 1

    def import_data_inner(self, dataset, *args, **kwargs):
        """Rows are numbered as the spreadsheet numbers them (the header is row 1, blank rows
        count), in the admin's preview and the commands' messages alike."""
        result = super().import_data_inner(dataset, *args, **kwargs)
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number = self.line_of(row.number)
        return result

    def get_export_headers(self, selected_fields=None):
        # Exports carry the documented column names, so an export imports back as it is.
        return [column_label(h) for h in super().get_export_headers(selected_fields)]

    def import_row(self, row, instance_loader, **kwargs):
        self.row_number = kwargs.get("row_number")
        # Problems found while finding the row's object; reported with those of its fields.
        self.row_problems = {}
        return super().import_row(row, instance_loader, **kwargs)

    def add_row_problem(self, field: str, message: str) -> None:
        self.row_problems.setdefault(field, []).append(message)

    def add_row_problems(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_row_problem(field, message)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self.row_problems:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def get_queryset(self):
        return self.filter_export(self._meta.model.objects.all())

    def export(self, *args, **kwargs):
        # The admin's export: no cell may reach Excel as a formula (accounts.spreadsheets).
        return spreadsheet_safe(super().export(*args, **kwargs))

    def filter_export(self, queryset, **kwargs):
        """Whatever queryset the admin hands over: only the region's rows, no query per row."""
        queryset = queryset.select_related(*self.export_related)
        if self.region_code:
            queryset = queryset.filter(**{f"{self.region_path}__startswith": self.region_code})
        return queryset

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the id sequence to MAX(id) here, for files that carry ids.
        # Ours never do, and the reset could hand out ids that a concurrent insert already took.
        pass

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Every problem of the row at once: those found while finding its object, those of
        its cells, and the model's checks of the cells that read well."""
        errors = {field: list(messages) for field, messages in self.row_problems.items()}
        for field, cell_errors in (import_validation_errors or {}).items():
            errors.setdefault(field, []).extend(ValidationError(cell_errors).messages)
        try:
            instance.full_clean(
                exclude=[*errors, *self.resolved_fields],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_once_in_file(self, key, row_number, field, message):
        first = self.seen_keys.setdefault(key, row_number)
        if first != row_number:
            self.add_row_problem(field, message % {"line": self.line_of(first)})


class BuildingResource(ScopedResource):
    """One building a row, found again by its name and kelurahan (names ignore case)."""

    name = fields.Field(attribute="name", column_name="name", widget=TidyCharWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(Building.Kind))
    latitude = fields.Field(attribute="latitude", column_name="latitude", widget=CoordinateWidget())
    longitude = fields.Field(
        attribute="longitude", column_name="longitude", widget=CoordinateWidget()
    )
    posko_available = fields.Field(
        attribute="posko_available",
        column_name="posko_available",
        widget=YesNoWidget(),
        saves_null_values=False,
    )
    active = fields.Field(
        attribute="active", column_name="active", widget=YesNoWidget(), saves_null_values=False
    )

    resolved_fields = ("kelurahan",)
    region_path = "kelurahan__code"
    export_related = ("kelurahan",)
    columns = BUILDING_COLUMNS
    file_stem = "gedung"

    class Meta:
        model = Building
        fields = (
            "name",
            "kind",
            "address",
            "kelurahan",
            "latitude",
            "longitude",
            "manager_org",
            "access_notes",
            "contact_name",
            "contact_phone",
            "posko_available",
            "active",
        )
        import_id_fields = ("name", "kelurahan")
        clean_model_instances = True
        report_skipped = True
        skip_unchanged = True

    def __init__(self, region_code: str | None = None, **kwargs):
        super().__init__(region_code=region_code, **kwargs)
        self.fields["kelurahan"] = fields.Field(
            attribute="kelurahan", column_name="kelurahan", widget=KelurahanWidget(self)
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.existing = {(b.kelurahan_id, b.name.lower()): b for b in Building.objects.all()}

    def get_instance(self, instance_loader, row):
        name = tidy(row.get("name"))
        try:
            kelurahan = self.kelurahan_resolver.resolve(
                row.get("kelurahan"), row.get("kecamatan"), row.get("kota")
            )
        except ValueError:
            kelurahan = None
        if not (name and kelurahan):
            return None  # a new, invalid row: importing its fields says what is wrong
        key = (kelurahan.pk, name.lower())
        self.check_once_in_file(
            key,
            self.row_number,
            "name",
            _("This building already appears on line %(line)s of this file."),
        )
        return self.existing.get(key)


class UnitResource(ScopedResource):
    """One unit a row: building (name + kelurahan), tower, floor, unit number, residential.

    Towers that do not exist yet are created, as tall as the highest floor the file gives
    them. A unit found again (same tower and number) has its floor and residential flag
    updated; its coverage status is never touched by an import.
    """

    building = fields.Field(column_name="building", readonly=True)
    kelurahan = fields.Field(column_name="kelurahan", readonly=True)
    tower = fields.Field(column_name="tower", readonly=True)
    floor = fields.Field(attribute="floor", column_name="floor", widget=WholeNumberWidget())
    number = fields.Field(attribute="number", column_name="number", widget=TidyCharWidget())
    residential = fields.Field(
        attribute="residential",
        column_name="residential",
        widget=YesNoWidget(),
        saves_null_values=False,
    )

    resolved_fields = ("tower",)
    region_path = "tower__building__kelurahan__code"
    export_related = ("tower__building__kelurahan",)
    columns = UNIT_COLUMNS
    file_stem = "unit"

    class Meta:
        model = Unit
        fields = ("building", "kelurahan", "tower", "floor", "number", "residential")
        import_id_fields = ("building", "kelurahan", "tower", "number")
        clean_model_instances = True
        use_bulk = True
        batch_size = 2000
        skip_unchanged = True
        report_skipped = True
        # A 100,000-row preview is not read row by row; the totals and errors are what matter.
        skip_diff = True

    def get_queryset(self):
        return super().get_queryset().order_by("tower_id", "floor", "number")

    def dehydrate_building(self, unit):
        return unit.tower.building.name

    def dehydrate_kelurahan(self, unit):
        return kelurahan_label(unit.tower.building.kelurahan)

    def dehydrate_tower(self, unit):
        return unit.tower.name

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        for unit in self.create_instances:
            self.tower_counts[unit.tower_id][0] += 1
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """One UPDATE per (floor, residential) pair instead of Django's CASE per row.

        bulk_update() writes a CASE branch for every row, about 1,200 rows/s; changed units
        share few distinct values, so grouping by them is fifty times faster.
        """
        if not self.update_instances or not (using_transactions or not dry_run):
            return
        try:
            groups = defaultdict(list)
            for unit in self.update_instances:
                groups[(unit.floor, unit.residential)].append(unit.pk)
                self.tower_counts[unit.tower_id][1] += 1
            for (floor, residential), pks in groups.items():
                for start in range(0, len(pks), 500):
                    Unit.objects.filter(pk__in=pks[start : start + 500]).update(
                        floor=floor, residential=residential
                    )
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)
        finally:
            self.update_instances.clear()

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.tower_counts = defaultdict(lambda: [0, 0])  # tower id → [created, updated]
        if "kelurahan" not in dataset.headers and dataset.height:
            # Optional: needed only to tell apart two buildings of the same name.
            dataset.append_col([""] * dataset.height, header="kelurahan")
        self.building_finder = BuildingFinder(self.kelurahan_resolver, self.region_code)
        self.building_kelurahan = {
            b.pk: b.kelurahan_id for b in self.building_finder.buildings.values()
        }
        self.towers = {}
        self.tower_floors = {}
        self.units = {}
        self.towers_created = 0

        # One pass over the file: which towers it names and how tall each must be.
        headers = dataset.headers
        wanted = set()
        for values in dataset:
            row = dict(zip(headers, values, strict=True))
            try:
                building = self.find_building(row)
            except ValidationError:
                continue
            tower_key = (building.pk, tidy(row.get("tower")).lower())
            wanted.add(building.pk)
            try:
                floor = read_floor(row.get("floor")) or 1
            except ValueError:
                continue
            self.tower_floors[tower_key] = max(self.tower_floors.get(tower_key, 1), floor)
        for tower in Tower.objects.filter(building_id__in=wanted):
            self.towers[(tower.building_id, tower.name.lower())] = tower
        tower_by_id = {t.pk: t for t in self.towers.values()}
        for unit in Unit.objects.filter(tower_id__in=tower_by_id):
            unit.tower = tower_by_id[unit.tower_id]
            self.units[(unit.tower_id, unit.number)] = unit

    def find_building(self, row) -> Building:
        """The row's building; a ValidationError says why there is none (unit_rules)."""
        return self.building_finder.find(
            row.get("building"), row.get("kelurahan"), row.get("kecamatan"), row.get("kota")
        )

    def tower_for(self, building: Building, name: str) -> Tower:
        key = (building.pk, name.lower())
        tower = self.towers.get(key)
        if tower is None:
            floors = new_tower_floors(self.tower_floors.get(key, 1))
            tower = Tower.objects.create(building=building, name=name, floors=floors)
            self.towers[key] = tower
            self.towers_created += 1
        return tower

    def get_instance(self, instance_loader, row):
        """The row's unit, if it exists; every reason it cannot be found is noted, so the
        row's cells are still checked and all its problems are listed together."""
        self.row_tower = None
        self.row_original = None
        try:
            building = self.find_building(row)
        except ValidationError as e:
            self.add_row_problems(e)
            building = None
        tower_name = tidy(row.get("tower"))
        number = read_number(row.get("number"))
        if problem := tower_name_problem(tower_name):
            self.add_row_problem("tower", problem)
        if problem := number_problem(number):
            self.add_row_problem("number", problem)
        if self.row_problems:
            return None
        tower = self.tower_for(building, tower_name)
        first = self.seen_keys.setdefault((tower.pk, number), self.row_number)
        if first != self.row_number:
            self.add_row_problem("number", unit_repeated_problem(self.line_of(first)))
        self.row_tower = tower
        unit = self.units.get((tower.pk, number))
        if unit is not None:
            self.row_original = (unit.floor, unit.residential)
        return unit

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            if self.row_tower is not None:
                instance.tower = self.row_tower
            self.row_original = None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self.row_problems or self.row_original is None:
            return False
        return (instance.floor, instance.residential) == self.row_original

    def after_import(self, dataset, result, **kwargs):
        """Units are written in bulk, unseen by auditlog: one audit row per tower instead,
        with how many units the import created and updated there, and by whom."""
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or not self.tower_counts:
            return
        names = dict(
            Tower.objects.filter(pk__in=self.tower_counts)
            .annotate(label=Concat("building__name", Value(" / "), "name"))
            .values_list("pk", "label")
        )
        user = kwargs.get("user")
        audit_bulk(
            Tower,
            [
                (
                    pk,
                    names.get(pk, str(pk)),
                    UPDATE,
                    {"units_imported": (0, created), "units_updated": (0, updated)},
                )
                for pk, (created, updated) in self.tower_counts.items()
            ],  # fmt: skip
            actor=user if getattr(user, "pk", None) else None,
            additional_data={"file": kwargs["file_name"]} if kwargs.get("file_name") else None,
        )

    def after_import_row(self, row, row_result, **kwargs):
        # Without a diff (skip_diff), the preview shows the file's own values for the rows it
        # lists; building that list for every row of a 100,000-row file would be wasted.
        # The kelurahan is the building's, by name and code, whatever the file said.
        if kwargs.get("row_number", 0) <= PREVIEW_ROWS and row_result.diff is None:
            row_result.diff = [tidy(row.get(f)) for f in self._meta.fields]
            if self.row_tower is not None:
                kelurahan_id = self.building_kelurahan.get(self.row_tower.building_id)
                region = self.kelurahan_resolver.by_id.get(kelurahan_id)
                row_result.diff[self._meta.fields.index("kelurahan")] = kelurahan_label(region)
