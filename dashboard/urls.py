from django.urls import path

from dashboard.views import coverage, exports

urlpatterns = [
    path("", coverage.overview, name="dashboard"),
    path("wilayah/<str:code>/", coverage.region_detail, name="dashboard_region"),
    path("gedung/<int:pk>/", coverage.building_detail, name="dashboard_building"),
    path("ekspor/", exports.export_list, name="dashboard_exports"),
    path("ekspor/<int:pk>/unduh/", exports.export_download, name="dashboard_export_download"),
    path(
        "wilayah/<str:code>/ekspor/<str:kind>.<str:fmt>",
        exports.export_region,
        name="dashboard_export",
    ),
]
