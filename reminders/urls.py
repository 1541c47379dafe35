from django.urls import path

from reminders import views

urlpatterns = [
    path("berhenti/<str:token>/", views.digest_optout, name="digest_optout"),
]
