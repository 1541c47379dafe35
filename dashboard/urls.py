from django.urls import path

from dashboard.views import (
    assignments,
    behind,
    briefings,
    coverage,
    escalation,
    exports,
    scheduling,
    search,
    timeline,
    tomorrow,
)
from dashboard.views.buildings_map import building_map
from dashboard.views.letters import issue_letter, issue_reprimand, letter_office_edit

urlpatterns = [
    path("", coverage.overview, name="dashboard"),
    path("wilayah/<str:code>/", coverage.region_detail, name="dashboard_region"),
    path("gedung/<int:pk>/", coverage.building_detail, name="dashboard_building"),
    path("cari/", search.search, name="dashboard_search"),
    path("riwayat/", timeline.region_timeline, name="dashboard_timeline"),
    path(
        "gedung/<int:pk>/riwayat/", timeline.building_timeline, name="dashboard_building_timeline"
    ),
    path("peta/", building_map, name="dashboard_map"),
    path("tower/<int:pk>/", behind.tower_detail, name="dashboard_tower"),
    path("wilayah/<str:code>/tertinggal/", behind.at_risk_list, name="dashboard_at_risk"),
    path("masalah/", escalation.issue_list, name="dashboard_issues"),
    path("masalah/<int:pk>/", escalation.issue_detail, name="dashboard_issue"),
    path("masalah/<int:pk>/surat/", issue_letter, name="dashboard_issue_letter"),
    path("masalah/<int:pk>/teguran/", issue_reprimand, name="dashboard_issue_reprimand"),
    path("gedung/<int:pk>/kendala/baru/", escalation.issue_new, name="dashboard_issue_new"),
    path("wilayah/<str:code>/surat/", letter_office_edit, name="dashboard_letter_office"),
    path("jadwal/", scheduling.schedule_agenda, name="dashboard_agenda"),
    path("besok/", tomorrow.tomorrow, name="dashboard_tomorrow"),
    path("jadwal/<int:pk>/", scheduling.schedule_detail, name="dashboard_schedule"),
    path(
        "gedung/<int:pk>/jadwal/",
        scheduling.building_schedules,
        name="dashboard_building_schedules",
    ),
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
    path("sosialisasi/", briefings.briefing_list, name="dashboard_briefings"),
    path("sosialisasi/<int:pk>/", briefings.briefing_detail, name="dashboard_briefing"),
    path(
        "sosialisasi/<int:pk>/undang/",
        briefings.briefing_invite_view,
        name="dashboard_briefing_invite",
    ),
    path(
        "sosialisasi/<int:pk>/hadir/",
        briefings.briefing_attendance,
        name="dashboard_briefing_attendance",
    ),
    path(
        "sosialisasi/<int:pk>/jawab/",
        briefings.briefing_answer_view,
        name="dashboard_briefing_answer",
    ),
]
