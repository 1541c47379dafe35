"""Settings for bench/load_test.py: production settings, reachable over plain HTTP on 127.0.0.1.

Only what a local HTTP test needs differs from production: cookies without Secure (there is
no TLS here), no HTTPS redirect, static files unhashed (nobody ran collectstatic; the pages
measured are the HTML ones), a URL conf that adds `GET /ping`, the minimal Django view
the outcome submission is compared with, and a `Server-Timing: app;dur=<ms>` header on every
response: the server time of the request, through every middleware and the view (what
gunicorn adds and its accept queue are not in it). Production stays untouched.
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


def server_timing(get_response):
    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    return middleware


def __getattr__(name):
    """This module is also the URL conf; its patterns are built on first use, once apps load."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.http import HttpResponse
    from django.urls import include, path

    def ping(request):
        return HttpResponse("ok", content_type="text/plain")

    global urlpatterns
    urlpatterns = [path("ping", ping), path("", include("coklit.urls"))]
    return urlpatterns
