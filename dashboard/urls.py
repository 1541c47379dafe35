from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.overview, name="dashboard"),
    path("wilayah/<str:code>/", views.region_detail, name="dashboard_region"),
    path("gedung/<int:pk>/", views.building_detail, name="dashboard_building"),
]
