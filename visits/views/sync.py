"""The JSON endpoint the offline queue (static/js/field.js) sends its batches to, the service
worker (templates/visits/sw.js) that keeps opened pages for a reload without signal, and the
page it shows when a page was never kept."""

import hashlib
import json
import time

from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import PrefixNode, static
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.middleware import no_store_exempt
from visits import field
from visits.forms import outcome_parse
from visits.services import NewOutcome
from visits.views.field import OFFLINE_BANNER, OFFLINE_COPY_HEADER

# How many outcomes one batch may carry; the phone sends at most this many at once.
BATCH_MAX = 100

# What a field page loads besides itself, cached by the worker when it installs.
FIELD_ASSETS = ["css/app.css", "js/field.js"]


def _server_now() -> int:
    """The server's clock in milliseconds since the epoch, as JavaScript counts."""
    return int(time.time() * 1000)


def sync(request):
    """The offline queue's endpoint: a JSON batch of outcomes, answered item by item.

    Body: {"outcomes": [{"client_uuid", "visit", "unit", "outcome", "voters_verified",
    "voters_removed", "voters_new", "sticker", "recorded_at"}, …]}. Answer: {"now",
    "results": [{"client_uuid", "status": stored|duplicate|conflict|invalid, "errors"?}]},
    HTTP 409 when any item is a conflict, so the queue can drop what is done and show what is
    not. `now` is the server's clock (ms), from which the phone learns how wrong its own is.

    Signed out (the session ended), the answer is HTTP 401 with `signed_out` and where to sign
    in, not the sign-in page: the phone keeps the queue and tells the officer.
    """
    if not request.user.is_authenticated:
        login = f"{reverse('account_login')}?{urlencode({'next': reverse('field_today')})}"
        return JsonResponse(
            {
                "error": _("Signed out: sign in again to send what waits on this phone."),
                "signed_out": True,
                "login": login,
                "now": _server_now(),
            },
            status=401,
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        items = json.loads(request.body)["outcomes"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError
    except (ValueError, KeyError, TypeError, RecursionError):
        # (RecursionError: JSON nested thousands deep; the batch has one level of nesting.)
        return JsonResponse({"error": _('Expected JSON: {"outcomes": [...]}.')}, status=400)
    if len(items) > BATCH_MAX:
        return JsonResponse(
            {"error": _("At most %(max)d outcomes per batch.") % {"max": BATCH_MAX}}, status=400
        )
    answers: list[field.Answer | None] = []
    valid: list[NewOutcome] = []
    for item in items:
        outcome, errors = outcome_parse(item)
        if errors:
            answers.append(field.Answer(field.INVALID, errors=errors))
        else:
            answers.append(None)
            valid.append(outcome)
    submitted = iter(field.outcomes_submit(pantarlih=request.user, items=valid))
    results = [
        {"client_uuid": str(item.get("client_uuid", "")), **(answer or next(submitted)).as_json()}
        for item, answer in zip(items, answers, strict=True)
    ]
    conflict = any(r["status"] == field.CONFLICT for r in results)
    return JsonResponse({"now": _server_now(), "results": results}, status=409 if conflict else 200)


@no_store_exempt
def service_worker(request):
    """The field pages' service worker, as JavaScript with its settings filled in: the hashed
    URLs of the stylesheet and script (WhiteNoise in production), the offline page, and a
    version that changes whenever one of them or the language does, so the phone updates.

    Public, like a static file: it holds no data, and the browser fetches it again to look
    for an update even after the session has ended (a redirect to the sign-in page there
    would leave an old worker in place). `no-cache` so an update lands at the next check,
    and an ETag, a digest of the whole script, so a check that finds nothing new is a 304
    without a body. Signed in too: `no-store` would leave the browser no copy to revalidate.
    Computed afresh each time: reading and hashing the files takes about 0.1 ms.
    """
    prefix = PrefixNode.handle_simple("STATIC_URL")
    config = {
        "scope": reverse("field_today"),
        "header": OFFLINE_COPY_HEADER,
        "banner": OFFLINE_BANNER,
        "offline": reverse("field_offline"),
        "assets": {f"{prefix}{name}": static(name) for name in FIELD_ASSETS},
        "precache": [static(name) for name in FIELD_ASSETS] + [reverse("field_offline")],
        "language": request.LANGUAGE_CODE,
    }
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    for name in FIELD_ASSETS:
        with open(finders.find(name), "rb") as f:
            digest.update(f.read())
    digest.update(get_template("visits/offline.html").template.source.encode())
    config["version"] = digest.hexdigest()[:16]
    script = render_to_string("visits/sw.js", {"config": mark_safe(json.dumps(config))})
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["ETag"] = f'"{hashlib.sha256(script.encode()).hexdigest()[:32]}"'
    return get_conditional_response(request, etag=response["ETag"], response=response)


def offline(request):
    """What the phone shows for a field page it never kept (the worker stores it at install).
    Public and without personal data: it stays on the phone for whoever signs in next."""
    return render(request, "visits/offline.html")
