"""The privacy notice: public, in the reader's language (Indonesian first, English second)."""

from django.conf import settings
from django.shortcuts import render

from privacy.models import PrivacyContact


def notice(request):
    """What is collected and why, for how long, and where to ask for a copy, a correction or
    erasure (the contact KPU Provinsi keeps in the admin)."""
    return render(
        request,
        "privacy/notice.html",
        {"contact": PrivacyContact.current(), "retention_days": settings.PRIVACY_RETENTION_DAYS},
    )
