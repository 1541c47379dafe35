from django.conf import settings
from django.views.i18n import set_language

from accounts.models import User


def language_set(request):
    """Django's language switch, also remembered on the account for emails and other devices."""
    language = request.POST.get("language")
    codes = {code for code, _name in settings.LANGUAGES}
    if request.method == "POST" and request.user.is_authenticated and language in codes:
        User.objects.filter(pk=request.user.pk).update(language=language)
    return set_language(request)
