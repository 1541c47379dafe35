from django.urls import path

from privacy import views

urlpatterns = [
    path("", views.notice, name="privacy_notice"),
]
