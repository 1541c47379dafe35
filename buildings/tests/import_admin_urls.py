"""An admin site holding only the import admins, so their flow is tested over HTTP on its own."""

from django.contrib import admin
from django.urls import path

from buildings.admin_import import RegionScopedImportMixin
from buildings.models import Building, Unit
from buildings.resources import BuildingResource, UnitResource

site = admin.AdminSite(name="admin")


@admin.register(Building, site=site)
class BuildingImportAdmin(RegionScopedImportMixin, admin.ModelAdmin):
    resource_classes = [BuildingResource]


@admin.register(Unit, site=site)
class UnitImportAdmin(RegionScopedImportMixin, admin.ModelAdmin):
    resource_classes = [UnitResource]


urlpatterns = [path("admin/", site.urls)]
