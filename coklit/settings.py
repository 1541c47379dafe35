"""Settings for Coklit Hunian Vertikal, read from the environment.

Without any environment the app runs as the embedded default: SQLite, console email and
Celery tasks executed in-process. Production sets DATABASE_URL, REDIS_URL, EMAIL_URL,
SECRET_KEY and ALLOWED_HOSTS; see docs/operations.md.
"""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# GENERAL
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random SECRET_KEY in the "
            "environment; for development run with DEBUG=1 (see the README)."
        )
    # Development only: a random key kept in a git-ignored file, so sessions survive restarts.
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Where links in emails point.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Redis: Celery broker and the shared cache. Empty on the embedded default.
REDIS_URL = env.str("REDIS_URL", default="")
# Every key this deployment writes to Redis (cache entries and Celery's queues) starts with this,
# so two deployments, or a test run, sharing one Redis never read or clear each other's keys.
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="coklit")
if not REDIS_KEY_PREFIX:
    raise ImproperlyConfigured("REDIS_KEY_PREFIX must not be empty: it namespaces Redis keys.")

# APPS
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "auditlog",
    "import_export",
    "accounts",
    "invitations",
    "regions",
    "outbox",
    "buildings",
    "visits",
    "dashboard",
    "reminders",
    "residents",
    "lobby",
    # After accounts: privacy/admin.py extends the user admin registered there.
    "portal",
    "privacy",
    # On top of every app: the demo data and the seed commands (seed_demo, seed_scale).
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which answers static files itself (compressed at collectstatic), and
    # above every middleware that reads or changes the body. Safe against BREACH here: the
    # CSRF token in a page is masked afresh on every response (csrf.get_token), so there is
    # no fixed secret to guess byte by byte; each gzip body carries 0-99 random bytes (a
    # random file name in its header: utils.text.compress_string); and with SameSite=Lax
    # cookies another site can send signed-in requests only as top-level navigations.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ChosenLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.middleware.RoleSessionMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "coklit.urls"
WSGI_APPLICATION = "coklit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# DATABASES
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is checked before its first use in a request, so a restarted PostgreSQL
# costs no failed request per worker; a database that is down answers 503 (coklit/errors.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default serves several threads (runserver, the test's live server): a write
    # waits for the other writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES
# Rate limits (failed logins, the public officer check) live in the cache, so production
# shares one Redis cache across processes; the embedded default keeps it in memory. With Redis
# down the cache reads as empty and the limits fail open (coklit/cache.py says why).
CACHES = {
    "default": {
        "BACKEND": "coklit.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "KEY_PREFIX": REDIS_KEY_PREFIX,
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# AUTHENTICATION
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "invitations.adapter.InvitationAccountAdapter"
ACCOUNT_FORMS = {"signup": "invitations.signup.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# No "remember me" box: how long a session lasts follows the role (RoleSessionMiddleware).
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Coklit] "
# Failed logins: 5 per account and address per 5 minutes (accounts.adapter: a stranger elsewhere
# cannot lock an officer's phone out) and 60 per address per minute (a carrier's NAT puts
# thousands of phones behind one address). Each limit lifts by itself when its window passes.
ACCOUNT_RATE_LIMITS = {"login_failed": "60/m/ip,5/5m/key"}
# Staff sessions end after 30 minutes idle; a pantarlih's phone stays signed in for the day.
STAFF_SESSION_IDLE_SECONDS = 30 * 60
FIELD_SESSION_SECONDS = 14 * 60 * 60
SESSION_COOKIE_AGE = FIELD_SESSION_SECONDS
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# AUDIT
# django-auditlog: one table of who/when/before/after for every change to domain data and every
# role or scope change. Bulk writes the signals never see add their rows through
# accounts.audit: occupancy and residential flags per unit; unit generation and the unit import
# (the command's set-based path, or django-import-export in the admin) one row per tower, with
# how many units were written.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "accounts.user", "exclude_fields": ["password", "last_login"]},
    {"model": "accounts.invitation", "exclude_fields": ["nonce"]},
    "buildings.building",
    "buildings.tower",
    "buildings.unit",
    "buildings.unitoccupancy",
    "buildings.buildingmanager",
    "visits.coklitperiod",
    "visits.assignment",
    "visits.schedule",
    "visits.visit",
    # Not visits.unitoutcome: outcomes are append-only and each row already says who (the
    # visit's pantarlih), when (recorded_at, created_at) and what; a log entry per outcome would
    # copy the largest table and cost every submission an insert.
    "visits.accessissue",
    # Who signs a KPU Kota's letters and how they are numbered; each letter as recorded.
    "visits.letteroffice",
    "visits.issueletter",
)
AUDITLOG_STORE_JSON_CHANGES = True

# INTERNATIONALISATION
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# STATIC AND MEDIA
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves compressed, content-hashed files through WhiteNoise (`collectstatic` first).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# EMAIL
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Coklit Hunian Vertikal <noreply@localhost>"
)

# CELERY
# Without REDIS_URL the embedded default runs tasks in-process, so a first run needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# Redis hands an unacknowledged task (a late-acked one, or one waiting for its retry) to
# another worker after this long; reminders retry within 15 minutes, well inside it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
if REDIS_URL:
    # Queues live under the deployment's prefix ("coklit:celery"), like the cache's keys.
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{REDIS_KEY_PREFIX}:"
# How long a worker holds a reminder it is sending; one left pending longer (its worker was
# killed) is sent again by the sweep. Longer than CELERY_TASK_TIME_LIMIT.
REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=10 * 60)
# A broker that does not answer must not hold a request: enqueue fails fast, the outbox keeps it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The province overview reads a snapshot of every building's figures, recomputed this often.
COVERAGE_SNAPSHOT_SECONDS = env.int("COVERAGE_SNAPSHOT_SECONDS", default=60)
# Run exactly one beat (`celery -A coklit beat`): two would only cost work, since every
# reminder is claimed in reminders.ReminderLog before it is sent. The rules read the period
# from the database; hourly runs from 07:00 catch up after an outage without sending twice.
CELERY_BEAT_SCHEDULE = {
    "reminders-run": {
        "task": "reminders.tasks.reminders_run",
        "schedule": crontab(minute=0, hour="7-19"),
    },
    "reminders-sweep": {
        "task": "reminders.tasks.reminders_sweep",
        "schedule": 5 * 60,
    },
    "export-jobs-sweep": {
        "task": "dashboard.export_tasks.export_jobs_sweep",
        "schedule": 15 * 60,
    },
    "coverage-snapshot": {
        "task": "dashboard.tasks.coverage_snapshot_refresh",
        "schedule": COVERAGE_SNAPSHOT_SECONDS,
    },
    # Nightly, in the quiet hours: what a closed period no longer needs goes (privacy/retention.py).
    "privacy-retention": {
        "task": "privacy.tasks.retention_apply",
        "schedule": crontab(minute=30, hour=2),
    },
}

# PRIVACY
# Days after a coklit period closes before its photos, positions and notes go
# (docs/personal-data.md); a period under a retention hold keeps them until the hold is lifted.
PRIVACY_RETENTION_DAYS = env.int("PRIVACY_RETENTION_DAYS", default=90)

# IMPORT-EXPORT
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# The admin's import form takes files up to this size; larger imports use the commands.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# No form takes more than one file; a request of hundreds of files or fields is refused (400).
DATA_UPLOAD_MAX_NUMBER_FILES = 5
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# MAP
# The dashboard map's background tiles (dashboard/views/buildings_map.py). OpenStreetMap's own
# server by default: its usage policy asks for the attribution below and no heavy use, so a
# busy deployment points this at its own tile server (docs/guide-staff.md, the map). Empty: no tiles, the
# markers on a blank background. The Content-Security-Policy allows images from this host only.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def _tile_source(url: str) -> list[str]:
    """The CSP source of the tile server: its scheme and host ("{s}." subdomains as "*.")."""
    if not url or url.startswith("/"):
        return []  # no tiles, or served by this site ('self')
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}.", "*.")
    if scheme not in ("http", "https") or not host or "{" in host:
        raise ImproperlyConfigured(f"MAP_TILE_URL must be an http(s) URL template, not {url!r}.")
    return [f"{scheme}://{host}"]


# SECURITY
# Production is served over HTTPS behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For (1 behind one nginx): per-
# address limits (sign-in, the public officer check) then count the real client, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer probes /healthz over plain HTTP: a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Flash messages name people and emails ("Invitation sent to …"): keep them in the server-side
# session, not in a cookie anyone holding the phone can read.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Content-Security-Policy (django-csp): our own scripts and styles only, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_tile_source(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# LOGGING
# JSON lines in production, plain text in development; both redact passwords, session ids,
# tokens and anything shaped like a NIK (coklit/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "coklit.logs.JsonFormatter"},
        "text": {
            "()": "coklit.logs.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "filters": {"database_outage": {"()": "coklit.logs.DatabaseOutageFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="text" if DEBUG else "json"),
            "filters": ["database_outage"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
