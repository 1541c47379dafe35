"""The suite and the app touch only their own keys in a Redis that others may share.

Django's RedisCache.clear() is a FLUSHDB; ours deletes the deployment's prefix only. A test run
works under a prefix of its own (conftest.RUN_PREFIX) and a guard key outside it must survive
the whole run (conftest.pytest_sessionfinish fails the run otherwise).
"""

import os
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from coklit.cache import ResilientRedisCache
from coklit.celery import app
from conftest import GUARD_KEY, RUN_PREFIX

URL = settings.REDIS_URL or "redis://127.0.0.1:6379/0"


@pytest.fixture
def client():
    try:
        client = redis.Redis.from_url(URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI tests against a real Redis at {URL}: {exc}")
        pytest.skip(f"needs Redis at {URL}: {exc}")
    return client


@pytest.fixture
def foreign_keys(client):
    """Keys of 'another program' in the same database; the test removes exactly these."""
    tag = uuid.uuid4().hex[:8]
    keys = [
        f"another-app:{tag}",
        f"coklit:1:{tag}",  # a real deployment's cache key under the default prefix
        f"{RUN_PREFIX}-other:{tag}",  # a longer prefix that merely starts like ours
        f"{RUN_PREFIX}{tag}",  # no separator: not ours either
    ]
    for key in keys:
        client.set(key, "kept", ex=600)
    yield keys
    client.delete(*keys)


def _cache(prefix):
    return ResilientRedisCache(URL, {"KEY_PREFIX": prefix, "OPTIONS": {}})


def test_clearing_the_cache_deletes_its_own_keys_and_nothing_else(client, foreign_keys):
    cache = _cache(RUN_PREFIX)
    cache.set("rate-limit", 3)
    cache.set("snapshot", {"units": 10})

    assert cache.clear() is True

    assert cache.get("rate-limit") is None and cache.get("snapshot") is None
    assert [client.get(key) for key in foreign_keys] == [b"kept"] * len(foreign_keys)
    assert client.exists(GUARD_KEY) or not settings.REDIS_URL


def test_two_deployments_on_one_redis_do_not_see_each_others_figures(client):
    staging, production = _cache(f"{RUN_PREFIX}-staging"), _cache(f"{RUN_PREFIX}-production")
    try:
        staging.set("coverage:snapshot:1", "staging figures")

        assert production.get("coverage:snapshot:1") is None
        production.clear()
        assert staging.get("coverage:snapshot:1") == "staging figures"
    finally:
        staging.clear()


def test_a_prefix_with_glob_characters_matches_itself_only(client):
    odd, neighbour = _cache(f"{RUN_PREFIX}[x]*"), _cache(f"{RUN_PREFIX}x")
    try:
        odd.set("k", 1)
        neighbour.set("k", 2)
        odd.clear()
        assert odd.get("k") is None and neighbour.get("k") == 2
    finally:
        neighbour.clear()


def test_the_run_and_its_queues_are_namespaced():
    assert settings.REDIS_KEY_PREFIX == RUN_PREFIX
    if settings.REDIS_URL:
        from django.core.cache import cache

        assert cache.key_prefix == RUN_PREFIX
        assert app.conf.broker_transport_options["global_keyprefix"] == f"{RUN_PREFIX}:"


FLUSHES = (".flushdb(", ".flushall(", '"FLUSHDB"', '"FLUSHALL"')


def test_no_code_flushes_a_redis_database():
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if ".venv" not in path.parts
        and path.name != Path(__file__).name
        and any(call in path.read_text() for call in FLUSHES)
    ]
    assert offenders == []
