"""The privacy notice: public, in the reader's language (Indonesian first, English second)."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from privacy.models import PrivacyContact


def notice(request):
    """What is collected and why, for how long, and where to ask for a copy, a correction or
    erasure (the contact KPU Provinsi keeps in the admin).

    `?lang=en` (or `id`) picks the language without a cookie, as the residents' page links it.
    """
    context = {
        "contact": PrivacyContact.current(),
        "retention_days": settings.PRIVACY_RETENTION_DAYS,
    }
    lang = request.GET.get("lang")
    if lang in dict(settings.LANGUAGES):
        with translation.override(lang):
            return render(request, "privacy/notice.html", context)
    return render(request, "privacy/notice.html", context)
