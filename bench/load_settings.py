"""Settings for bench/load_test.py: production settings, reachable over plain HTTP on 127.0.0.1.

Only what a local HTTP test needs differs from production: cookies without Secure (there is
no TLS here), no HTTPS redirect, static files unhashed (nobody ran collectstatic; the pages
measured are the HTML ones), and a URL conf that adds `GET /ping`, the minimal Django view
the outcome submission is compared with. Production URLs stay untouched.
"""

from coklit.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "bench.load_settings"


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
