"""Personas shared by every app's tests (STYLE.md): who is signed in, and what they may see.

Building A (Kalibata-like, Rawajati, Jakarta Selatan) and building B (Marunda, Jakarta Utara)
are the two worlds; each persona has a scope that contains one and not the other.
"""

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from coklit.celery import app as celery_app

PASSWORD = "kata-sandi-uji-123"


# Every Redis key a test run writes starts with this, and the run deletes only those keys: the
# suite may be pointed at a Redis that other programs use (REDIS_URL), and it owns none of it.
RUN_PREFIX = f"coklit-test-{uuid.uuid4().hex[:12]}"
# Written beside the run's keys at the start and checked at the end: a FLUSHDB by any test
# (or by the code it drives) removes it, and the run then fails (pytest_sessionfinish).
GUARD_KEY = f"coklit-test-guard:{RUN_PREFIX}"


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is slow on purpose; tests need speed, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP and nobody ran collectstatic; production keeps both.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A scratch folder of the run's own: uploads (photos, evidence, exports) and, on SQLite, the
    # test database, removed at the end.
    scratch = config._coklit_scratch = Path(tempfile.mkdtemp(prefix="coklit-test-"))
    settings.MEDIA_ROOT = scratch / "media"
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # A file, not SQLite's in-memory database: with that, Django hands the test's own
        # connection to every thread of the live server, and two requests at once then share
        # one transaction ("no such savepoint", on_commit emails lost). With a file each thread
        # has its own connection, as on PostgreSQL.
        database.setdefault("TEST", {})["NAME"] = str(scratch / "test.sqlite3")
    # The run's own namespace in Redis, for the cache and Celery's queues alike.
    settings.REDIS_KEY_PREFIX = RUN_PREFIX
    if "KEY_PREFIX" in settings.CACHES["default"]:
        settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": RUN_PREFIX}}
    if settings.REDIS_URL:
        options = {**celery_app.conf.broker_transport_options, "global_keyprefix": f"{RUN_PREFIX}:"}
        celery_app.conf.broker_transport_options = options
        _redis().set(GUARD_KEY, "1", ex=24 * 3600)


# Which tests belong to the slower sets, by file name, so a new file of a kind is marked too.
# `bin/test --fast` leaves all three out.
FAULT_FILES = {
    "test_fault_postgres_restart.py",
    "test_scale_out.py",
    "test_restore_drill.py",
    "test_worker.py",
}


def pytest_collection_modifyitems(items):
    for item in items:
        name = item.path.name
        if name.startswith("test_e2e_"):
            item.add_marker(pytest.mark.e2e)
        elif name.startswith("test_fuzz_"):
            item.add_marker(pytest.mark.slow)
        elif name in FAULT_FILES:
            item.add_marker(pytest.mark.fault)


def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)


def pytest_sessionfinish(session, exitstatus):
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    from coklit.cache import redis_delete_prefixed

    client = _redis()
    redis_delete_prefixed(client, RUN_PREFIX)
    if not client.delete(GUARD_KEY):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(
            f"\nFAILED: the Redis key {GUARD_KEY} is gone: a test flushed a database it does not own"
        )


def pytest_unconfigure(config):
    scratch = getattr(config, "_coklit_scratch", None)
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _ci_uses_real_services(django_db_blocker):
    """In CI the suite must run on PostgreSQL; anything else is a failure, not a skip."""
    if os.environ.get("CI") == "true":
        from django.db import connection

        assert connection.vendor == "postgresql", "CI must test on PostgreSQL (DATABASE_URL)"


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Put back the rows the migrations load, for tests on a flushed (transactional) database.

    pytest-django runs transactional tests last and flushes the tables after each (post_migrate
    then remakes the content types and permissions, with new ids). No test uses
    serialized_rollback: restoring its snapshot on top of those remade content types broke
    their unique key when a plain transactional test ran just before (seen in a random
    order). The region tree and the coklit period are reloaded here instead.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal

    from regions.models import Region
    from regions.tree import regions_load
    from visits.models import CoklitPeriod

    # After a flush the content types (which every audit row points at) have new ids while the
    # cache still holds the old ones: the next audit row would break a foreign key at commit.
    ContentType.objects.clear_cache()
    if not ContentType.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    if not Region.objects.exists():
        regions_load(Region)
    CoklitPeriod.objects.get_or_create(
        name="Pilkada DKI Jakarta 2024",
        defaults={"starts_on": datetime.date(2024, 6, 24), "ends_on": datetime.date(2024, 7, 24)},
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no rate-limit count or coverage snapshot left over.

    On Redis, clear() deletes the run's own keys only (coklit/cache.py), never a FLUSHDB.
    """
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Indonesian: a request through the test client leaves the language it
    chose active in the test's thread (LocaleMiddleware never switches it back)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tasks run inside the test; the worker tests of the reminders issue start a real one."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


class World:
    """The objects and personas of the scope tests, created once per test module."""

    def __init__(self):
        from accounts.models import Role
        from accounts.tests.factories import UserFactory
        from buildings.tests.factories import (
            BuildingFactory,
            BuildingManagerFactory,
            TowerFactory,
            UnitFactory,
            UnitOccupancyFactory,
        )
        from regions.models import Region
        from visits.tests.factories import (
            AccessIssueFactory,
            AssignmentFactory,
            ScheduleFactory,
            UnitOutcomeFactory,
            VisitFactory,
        )

        region = {r.code: r for r in Region.objects.filter(code__in=[
            "31.74", "31.72", "31.74.08", "31.74.08.1003", "31.72.04.1003"])}  # fmt: skip
        self.building_a = BuildingFactory(name="Kalibata Uji", kelurahan=region["31.74.08.1003"])
        self.building_b = BuildingFactory(name="Marunda Uji", kelurahan=region["31.72.04.1003"])
        self.tower_a = TowerFactory(building=self.building_a, name="A")
        self.tower_b = TowerFactory(building=self.building_b, name="B")
        self.unit_a = UnitFactory(tower=self.tower_a, number="A-0101")
        self.unit_b = UnitFactory(tower=self.tower_b, number="B-0101")

        def user(key, role, region_code=None, **extra):
            return UserFactory(
                email=f"{key}@uji.coklit.id",
                role=role,
                region=region.get(region_code) if region_code else None,
                **extra,
            )

        self.kpu_provinsi = user("provinsi", Role.KPU_PROVINSI, is_staff=True)
        self.kpu_kota_selatan = user("kota-selatan", Role.KPU_KOTA, "31.74", is_staff=True)
        self.kpu_kota_utara = user("kota-utara", Role.KPU_KOTA, "31.72", is_staff=True)
        self.ppk_pancoran = user("ppk-pancoran", Role.PPK, "31.74.08")
        self.pps_marunda = user("pps-marunda", Role.PPS, "31.72.04.1003")
        self.bawaslu_utara = user("bawaslu-utara", Role.BAWASLU, "31.72", is_staff=True)
        self.dinas = user("dinas", Role.DINAS)
        self.manager_a = BuildingManagerFactory(
            building=self.building_a, user=user("pengelola-a", Role.PENGELOLA)
        ).user
        self.manager_b = BuildingManagerFactory(
            building=self.building_b, user=user("pengelola-b", Role.PENGELOLA)
        ).user
        self.pantarlih_a = user("pantarlih-a", Role.PANTARLIH, "31.74.08.1003")
        self.pantarlih_b = user("pantarlih-b", Role.PANTARLIH, "31.72.04.1003")
        # Everything that belongs to a building, once on each side: what the scope tests reach for.
        self.side = {}
        for key, building, tower, unit, pantarlih, manager in (
            ("a", self.building_a, self.tower_a, self.unit_a, self.pantarlih_a, self.manager_a),
            ("b", self.building_b, self.tower_b, self.unit_b, self.pantarlih_b, self.manager_b),
        ):
            visit = VisitFactory(pantarlih=pantarlih, building=building, tower=tower)
            self.side[key] = {
                "building": building,
                "tower": tower,
                "unit": unit,
                "buildingmanager": manager.managed_buildings.get(),
                "unitoccupancy": UnitOccupancyFactory(unit=unit),
                "assignment": AssignmentFactory(pantarlih=pantarlih, building=building, tps="012"),
                "schedule": ScheduleFactory(building=building, proposed_by=pantarlih),
                "visit": visit,
                "unitoutcome": UnitOutcomeFactory(visit=visit, unit=unit),
                "accessissue": AccessIssueFactory(building=building, raised_by=pantarlih),
                "user": manager,
            }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        # Created once per module inside a transaction that is rolled back at the end.
        with transaction.atomic():
            yield World()
            transaction.set_rollback(True)


CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# The cheap Android phone many pantarlih carry (issue 14): the smallest screen the field pages fit.
SMALL_PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; in CI a missing browser fails the test."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


def _page(browser, live_server, device):
    context = browser.new_context(base_url=live_server.url, **device)
    context.set_default_timeout(20_000)  # generous: CI machines are small and busy
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A page on a 390×844 touch phone, against the live test server."""
    yield from _page(browser, live_server, PHONE)


@pytest.fixture
def small_phone(browser, live_server):
    """A page on a 360×640 touch phone, against the live test server."""
    yield from _page(browser, live_server, SMALL_PHONE)


@pytest.fixture
def laptop(browser, live_server):
    yield from _page(browser, live_server, LAPTOP)


def sign_in(page, email, password=PASSWORD):
    page.goto("/akun/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    # Signed in means the sign-in page is left behind (a bare "**/" also matches it).
    try:
        page.wait_for_url(lambda url: "/akun/login/" not in url)
    except Exception as error:
        raise AssertionError(
            f"sign-in as {email} failed: {page.inner_text('main')[:300]}"
        ) from error
