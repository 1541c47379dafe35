from django.urls import path

from invitations import views

urlpatterns = [
    path("undangan/", views.invitation_list, name="invitation_list"),
    path("undangan/unggah/", views.invitation_upload, name="invitation_upload"),
    path("undangan/<int:pk>/kirim-ulang/", views.invitation_resend_view, name="invitation_resend"),
    path("undangan/<int:pk>/batalkan/", views.invitation_revoke_view, name="invitation_revoke"),
    path("undangan/terima/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
]
