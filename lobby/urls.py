"""The residents' public page (no sign-in) and the lobby posters that lead there."""

from django.urls import path

from lobby import views

urlpatterns = [
    path("warga/<str:token>/", views.public_page, name="residents_public"),
    path("warga/<str:token>/minta/", views.request_visit, name="residents_request"),
    path("warga/<str:token>/terkirim/", views.thanks, name="residents_thanks"),
    path("poster/gedung/<int:pk>/", views.poster, name="residents_poster"),
    path("poster/tower/<int:pk>/", views.tower_poster, name="residents_tower_poster"),
    path("poster/gedung/<int:pk>/alamat-baru/", views.link_rotate, name="residents_link_rotate"),
]
