"""The manager portal (pengelola): their buildings, towers, occupancy, schedules, access issues."""

from django.urls import path, register_converter

from portal.views import buildings as portal
from portal.views import schedules


class FloorConverter:
    """A floor number; basements are negative (-2 is the second basement)."""

    regex = "-?[0-9]{1,3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(FloorConverter, "floor")

urlpatterns = [
    path("", portal.portal_home, name="portal_home"),
    path("gedung/<int:pk>/", portal.portal_building, name="portal_building"),
    path("gedung/<int:pk>/profil/", portal.portal_building_edit, name="portal_building_edit"),
    path("gedung/<int:pk>/tower/tambah/", portal.portal_tower_add, name="portal_tower_add"),
    path(
        "gedung/<int:pk>/hunian/unggah/",
        portal.portal_occupancy_upload,
        name="portal_occupancy_upload",
    ),
    path("gedung/<int:pk>/jadwal/", schedules.portal_schedules, name="portal_schedules"),
    path("gedung/<int:pk>/masalah/", schedules.portal_issues, name="portal_issues"),
    path("tower/<int:pk>/", portal.portal_tower, name="portal_tower"),
    path("tower/<int:pk>/pratinjau/", portal.portal_tower_preview, name="portal_tower_preview"),
    path("tower/<int:pk>/lantai/<floor:floor>/", portal.portal_floor, name="portal_floor"),
    path("jadwal/<int:pk>/", schedules.portal_schedule, name="portal_schedule"),
    path("jadwal/<int:pk>/kalender.ics", schedules.portal_schedule_ics, name="portal_schedule_ics"),
    path(
        "jadwal/<int:pk>/pengumuman/",
        schedules.portal_schedule_notice,
        name="portal_schedule_notice",
    ),
    # A calendar app subscribes without signing in: the token is the key (visits/calendar.py).
    path(
        "kalender/<int:pk>/<str:token>/jadwal.ics",
        schedules.portal_calendar_feed,
        name="portal_calendar_feed",
    ),
    path("masalah/<int:pk>/balas/", schedules.portal_issue_reply, name="portal_issue_reply"),
]
