import pytest
from django.test import Client

from lobby.services import public_link_current
from visits.tests.factories import field_day


@pytest.fixture
def day(db):
    """A tower of 10 units in a period open today, its pantarlih visiting, and its public link."""
    d = field_day()
    d.link = public_link_current(d.building)
    return d


@pytest.fixture
def resident():
    """A phone that scanned the poster: no session, and CSRF checked as in production."""
    return Client(enforce_csrf_checks=True)
