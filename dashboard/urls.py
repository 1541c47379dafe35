from django.urls import path

from dashboard.views import assignments, coverage, exports

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
    path(
        "wilayah/<str:code>/penugasan/",
        assignments.assignment_screen,
        name="dashboard_assignments",
    ),
    path(
        "wilayah/<str:code>/penugasan/unggah/",
        assignments.assignment_upload,
        name="dashboard_assignment_upload",
    ),
]
