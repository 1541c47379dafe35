"""Error pages that touch no database, and a 503 when it is the database that failed.

Django calls `handler500` inside its `except` block (django.core.handlers.exception), for an
exception raised anywhere in the view or the middleware, so `sys.exc_info()` still names it.
A database that does not answer (restarting, failing over, out of connections) is a
temporary fault: it is answered 503 with Retry-After, as JSON to the phone's queue, which
keeps the outcomes and sends them again; ATOMIC_REQUESTS has rolled the request back.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 15
DATABASE_DOWN = (OperationalError, InterfaceError)


def _language(request) -> str:
    # The account's language needs the database; the switcher's cookie does not.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    )


@requires_csrf_token
def server_error(request):
    """handler500: 503 for a database outage, else a plain 500 page; neither reads the database."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DATABASE_DOWN)
    status = 503 if unavailable else 500
    with translation.override(_language(request)):
        if _wants_json(request):
            message = (
                _("The server cannot reach its database. Nothing was saved; send again shortly.")
                if unavailable
                else _("Server error. Nothing was saved; send again later.")
            )
            response = JsonResponse({"error": message}, status=status)
        else:
            page = loader.render_to_string(f"{status}.html", {"retry_after": RETRY_AFTER_SECONDS})
            response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
