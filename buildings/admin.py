"""The KPU admin for regions, buildings, towers and units.

Units are counted in hundreds of thousands, so every changelist here keeps a fixed number of
queries whatever the data size: the columns' foreign keys come through `list_select_related`,
counts come from one correlated subquery in the changelist's own query, and the region filter
offers the six kota instead of loading the region table into a dropdown.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms import ModelForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from accounts.admin_scope import ScopedAdminMixin
from buildings.admin_import import RegionScopedImportMixin
from buildings.models import Building, BuildingManager, Tower, Unit, UnitOccupancy
from buildings.resources import BuildingResource, UnitResource
from regions.admin_filters import kota_filter
from regions.models import Region

# --- Shared by the admins of every app -------------------------------------------------------


def count_of(model, fk_name: str) -> Coalesce:
    """The number of `model` rows pointing at the outer row, as an annotation.

    A correlated subquery rather than Count() over a join: the database counts only the rows
    of the page shown, instead of grouping the whole joined table before paginating.
    """
    counts = (
        model.objects.filter(**{fk_name: OuterRef("pk")})
        .order_by()
        .values(fk_name)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def changelist_link(model, label, **filters) -> str:
    """A link to `model`'s changelist with `filters` applied, e.g. one tower's units."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(filters), label)


class SelectRelatedMixin:
    """Selects `list_select_related` on every page of the model, not only the changelist.

    Several `__str__` follow foreign keys (a unit names its tower, a visit its building and
    pantarlih) and autocomplete results, titles and delete pages print them. The changelist
    ignores `list_select_related` when the queryset already selects related rows, so one list
    serves both.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected value from an object the form already holds.

    The stock widget looks the selected object up again, one query per widget: one query per
    row of an inline. `PreloadedForeignKeyForm` hands it the related object instead.
    """

    preloaded = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        obj = self.preloaded
        if obj is None or chosen != [str(obj.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(obj)
        options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedForeignKeyForm(ModelForm):
    """Gives each `PreloadedAutocompleteSelect` the related object the instance has cached."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = self._meta.model._meta.get_field(name)
            if model_field.is_cached(self.instance):
                widget.preloaded = getattr(self.instance, name)


class PreloadedAutocompleteMixin:
    """For inlines: autocomplete fields whose labels come from the inline's select_related."""

    form = PreloadedForeignKeyForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Regions -----------------------------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: the region tree comes from the Kemendagri package (`load_regions`)."""

    list_display = ("code", "name", "level", "parent")
    list_select_related = ("parent",)
    list_filter = ("level",)
    search_fields = ("code", "name")
    ordering = ("code",)
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Buildings ---------------------------------------------------------------------------------


class TowerInline(ScopedAdminMixin, admin.TabularInline):
    model = Tower
    fields = ("name", "floors", "expected_voters", "unit_count")
    readonly_fields = ("unit_count",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        # The inline prints each tower's __str__, which names the building.
        return (
            super()
            .get_queryset(request)
            .select_related("building")
            .annotate(unit_total=count_of(Unit, "tower"))
        )

    @admin.display(description=_("units"))
    def unit_count(self, tower):
        if tower.pk is None:
            return "–"
        return changelist_link(Unit, tower.unit_total, tower__id__exact=tower.pk)


class BuildingManagerInline(ScopedAdminMixin, PreloadedAutocompleteMixin, admin.TabularInline):
    model = BuildingManager
    fields = ("user", "position", "is_primary")
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        # The inline prints each row's __str__ (user and building) and labels the user widget.
        return super().get_queryset(request).select_related("user", "building")


@admin.register(Building)
class BuildingAdmin(ScopedAdminMixin, RegionScopedImportMixin, ImportExportModelAdmin):
    """Import (preview, then confirm) limited to the importer's region; export what is listed."""

    resource_classes = [BuildingResource]
    list_display = (
        "name",
        "kind",
        "kelurahan_name",
        "kecamatan_name",
        "kota_name",
        "manager_org",
        "posko_available",
        "active",
        "tower_count",
    )
    list_select_related = ("kelurahan__parent__parent",)
    list_filter = ("kind", kota_filter("kelurahan"), "posko_available", "active")
    search_fields = ("name", "address", "manager_org", "kelurahan__name")
    autocomplete_fields = ("kelurahan",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "kind", "kelurahan", "address", "active")}),
        (_("Location"), {"fields": ("latitude", "longitude")}),
        (
            _("Management and access"),
            {
                "fields": (
                    "manager_org",
                    "contact_name",
                    "contact_phone",
                    "access_notes",
                    "posko_available",
                )
            },
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (TowerInline, BuildingManagerInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tower_total=count_of(Tower, "building"))

    @admin.display(description=_("kelurahan"), ordering="kelurahan__name")
    def kelurahan_name(self, building):
        return building.kelurahan.name

    @admin.display(description=_("kecamatan"), ordering="kelurahan__parent__name")
    def kecamatan_name(self, building):
        return building.kelurahan.parent.name

    @admin.display(description=_("kota"), ordering="kelurahan__parent__parent__name")
    def kota_name(self, building):
        return building.kelurahan.parent.parent.name

    @admin.display(description=_("towers"), ordering="tower_total")
    def tower_count(self, building):
        return changelist_link(Tower, building.tower_total, building__id__exact=building.pk)


@admin.register(Tower)
class TowerAdmin(ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("name", "building", "floors", "unit_count", "expected_voters")
    list_select_related = ("building",)
    list_filter = (kota_filter("building__kelurahan"), "building__kind")
    search_fields = ("name", "building__name")
    autocomplete_fields = ("building",)
    readonly_fields = ("unit_count",)
    fields = ("building", "name", "floors", "expected_voters", "unit_count")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(unit_total=count_of(Unit, "tower"))

    @admin.display(description=_("units"), ordering="unit_total")
    def unit_count(self, tower):
        # A tower can hold 800 units: a count and a link to them, never the units inline.
        if tower.pk is None:
            return "–"
        return changelist_link(Unit, tower.unit_total, tower__id__exact=tower.pk)


@admin.register(Unit)
class UnitAdmin(
    ScopedAdminMixin, SelectRelatedMixin, RegionScopedImportMixin, ImportExportModelAdmin
):
    """Import (preview, then confirm) limited to the importer's region; export what is listed."""

    resource_classes = [UnitResource]
    list_display = ("number", "tower_name", "building_name", "floor", "residential", "status")
    list_select_related = ("tower__building",)
    list_filter = ("status", "residential", kota_filter("tower__building__kelurahan"))
    search_fields = ("number", "tower__name", "tower__building__name")
    autocomplete_fields = ("tower",)
    readonly_fields = ("status", "status_at")
    fields = ("tower", "floor", "number", "residential", "status", "status_at")
    # Ordered by the tower's id (not its name, which would join and sort every unit) so the
    # (tower, floor) index serves the page.
    ordering = ("tower_id", "floor", "number")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_export_queryset(self, request):
        # The export names each unit's kelurahan, which the changelist does not join.
        return super().get_export_queryset(request).select_related("tower__building__kelurahan")

    @admin.display(description=_("tower"), ordering="tower__name")
    def tower_name(self, unit):
        return unit.tower.name

    @admin.display(description=_("building"), ordering="tower__building__name")
    def building_name(self, unit):
        return unit.tower.building.name


@admin.register(UnitOccupancy)
class UnitOccupancyAdmin(ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("unit", "building_name", "status", "best_time", "reported_by", "updated_at")
    list_select_related = ("unit__tower__building", "reported_by")
    list_filter = ("status", kota_filter("unit__tower__building__kelurahan"))
    search_fields = ("unit__number", "unit__tower__name", "unit__tower__building__name")
    autocomplete_fields = ("unit", "reported_by")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("building"), ordering="unit__tower__building__name")
    def building_name(self, occupancy):
        return occupancy.unit.tower.building.name


@admin.register(BuildingManager)
class BuildingManagerAdmin(ScopedAdminMixin, SelectRelatedMixin, admin.ModelAdmin):
    list_display = ("user", "building", "position", "is_primary")
    list_select_related = ("user", "building")
    list_filter = ("is_primary", kota_filter("building__kelurahan"))
    search_fields = ("user__email", "user__full_name", "building__name", "position")
    autocomplete_fields = ("user", "building")
