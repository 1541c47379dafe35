from django.urls import path

from dashboard.views import coverage

urlpatterns = [
    path("", coverage.overview, name="dashboard"),
    path("wilayah/<str:code>/", coverage.region_detail, name="dashboard_region"),
    path("gedung/<int:pk>/", coverage.building_detail, name="dashboard_building"),
]
