"""Settings for bench/load_test.py: production settings, reachable over plain HTTP on 127.0.0.1.

Only what a local HTTP test needs differs from production: cookies without Secure (there is
no TLS here), no HTTPS redirect, static files unhashed (nobody ran collectstatic; the pages
measured are the HTML ones), a URL conf that adds the yardsticks the outcome submission is
compared with, and a `Server-Timing: app;dur=<ms>` header on every response: the server time
of the request, through every middleware and the view (what gunicorn adds and its accept
queue are not in it). Production stays untouched: neither the views nor their table exist
outside this module and the load test.

The yardsticks, each through the whole production middleware stack:

- `GET /ping`: no session, no database; the cost of any Django request here.
- `GET /bench/signed-in/`: a signed-in no-op; the session and its user are loaded (as for
  every page a pantarlih opens) and nothing else happens.
- `POST /bench/insert/`: a signed-in write; CSRF checked like the submission's, a JSON body
  `{"client_uuid": …}` read, and one INSERT into `bench_yardstick` (a UUID unique like an
  outcome's) in the request's transaction (ATOMIC_REQUESTS). bench/load_test.py creates the
  table and drops it afterwards. What a submission costs beyond this is the product's logic.
"""

import time

from coklit.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "bench.load_settings"
MIDDLEWARE = ["bench.load_settings.server_timing", *MIDDLEWARE]  # noqa: F405

# The one-INSERT yardstick's table (created and dropped by bench/load_test.py).
YARDSTICK_TABLE = "bench_yardstick"
YARDSTICK_TABLE_SQL = f"""CREATE TABLE IF NOT EXISTS {YARDSTICK_TABLE} (
    id bigserial PRIMARY KEY,
    client_uuid uuid NOT NULL UNIQUE,
    user_id bigint NOT NULL,
    created_at timestamptz NOT NULL
)"""


def server_timing(get_response):
    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    return middleware


def _yardstick_urls():
    import json
    import uuid

    from django.db import connection
    from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse

    def ping(request):
        return HttpResponse("ok", content_type="text/plain")

    def signed_in(request):
        # is_authenticated loads the session and then the user (two queries), as any page does.
        if not request.user.is_authenticated:
            return JsonResponse({"signed_out": True}, status=401)
        return HttpResponse("ok", content_type="text/plain")

    def insert(request):
        if not request.user.is_authenticated:
            return JsonResponse({"signed_out": True}, status=401)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            client_uuid = uuid.UUID(json.loads(request.body)["client_uuid"])
        except (ValueError, KeyError, TypeError):
            return JsonResponse({"error": "expected {client_uuid}"}, status=400)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {YARDSTICK_TABLE} (client_uuid, user_id, created_at) "
                "VALUES (%s, %s, now())",
                [client_uuid, request.user.pk],
            )
        return JsonResponse({"client_uuid": str(client_uuid), "status": "stored"})

    from django.urls import path

    return [
        path("ping", ping),
        path("bench/signed-in/", signed_in),
        path("bench/insert/", insert),
    ]


def __getattr__(name):
    """This module is also the URL conf; its patterns are built on first use, once apps load."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import include, path

    global urlpatterns
    urlpatterns = [*_yardstick_urls(), path("", include("coklit.urls"))]
    return urlpatterns
