import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _ci_uses_real_services(django_db_blocker):
    """In CI the suite must run on PostgreSQL; anything else is a failure, not a skip."""
    if os.environ.get("CI") == "true":
        from django.db import connection

        assert connection.vendor == "postgresql", "CI must test on PostgreSQL (DATABASE_URL)"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers are slow on purpose; tests only need a hash that checks."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
