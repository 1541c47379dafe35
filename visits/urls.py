"""The pantarlih's field pages, uploaded files, the officer card and its public check."""

from django.urls import path

from visits.views import field, files, officer, sync, visit

urlpatterns = [
    path("lapangan/", field.today, name="field_today"),
    path("lapangan/kirim/", sync.sync, name="field_sync"),
    path("lapangan/sw.js", sync.service_worker, name="field_sw"),
    path("lapangan/luring/", sync.offline, name="field_offline"),
    path("lapangan/tower/<int:pk>/", field.grid, name="field_grid"),
    path("lapangan/tower/<int:pk>/lantai/", field.floor_record, name="field_floor"),
    path("lapangan/tower/<int:pk>/mulai/", visit.visit_start, name="field_visit_start"),
    path("lapangan/unit/<int:pk>/", field.unit_record, name="field_unit"),
    path("lapangan/kunjungan/<int:pk>/selesai/", visit.visit_end, name="field_visit_end"),
    path("lapangan/kartu/", officer.card, name="officer_card"),
    path("lapangan/kartu/foto/", officer.card_photo, name="officer_card_photo"),
    path("lapangan/kartu/foto/hapus/", officer.card_photo_remove, name="officer_card_photo_remove"),
    path("berkas/kunjungan/<int:pk>/foto/", files.visit_photo, name="visit_photo"),
    path("berkas/kendala/<int:pk>/bukti/", files.issue_evidence, name="issue_evidence"),
    path("cek/", officer.check_form, name="officer_check_form"),
    path("cek/<str:code>/", officer.check, name="officer_check"),
    path("cek/<str:code>/foto/", officer.check_photo, name="officer_check_photo"),
]
