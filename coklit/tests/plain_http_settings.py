"""Production settings reachable over plain HTTP on 127.0.0.1, for tests that start gunicorn.

Only what a local HTTP server needs differs from production: no HTTPS redirect, cookies without
Secure (there is no TLS here), no HSTS, static files unhashed (nobody ran collectstatic).
"""

from coklit.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
