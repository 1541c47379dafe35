"""Fuzzing the forms of issue #16: raising an issue from a building, recording the KPU Kota's
letter, and the office's signatory and number pattern.

`FUZZ_EXAMPLES=1000 bin/test coklit/tests/test_fuzz_letters.py` is the full run.
"""

import pytest
from django.urls import reverse
from hypothesis import given

from coklit.tests.fuzzing import FUZZ, form_data, post_and_check
from visits.models import AccessIssue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, world):
    client.force_login(world.kpu_provinsi)
    return client


@FUZZ
@given(data=form_data(["kind", "description"], {"kind": ["manager_refused", "other", "x"]}))
def test_issue_raise(staff, world, data):
    post_and_check(staff, reverse("dashboard_issue_new", args=[world.building_a.pk]), data)


@FUZZ
@given(data=form_data(
    ["letter-sent_on", "letter-signatory_name", "letter-signatory_nip",
     "letter-signatory_position"],
    {"letter-sent_on": ["2024-06-25", "2100-01-01", "9999-12-31"],
     "letter-signatory_nip": ["197805122005011003", "1978 0512"]},
))  # fmt: skip
def test_letter_record(staff, world, data):
    issue = world.side["a"]["accessissue"]
    AccessIssue.objects.filter(pk=issue.pk).update(level="kpu_kota")
    post_and_check(staff, reverse("dashboard_issue", args=[issue.pk]), {"action": "letter", **data})


@FUZZ
@given(data=form_data(
    ["signatory_name", "signatory_nip", "signatory_position", "number_pattern", "address"],
    {"number_pattern": ["{nomor}/PL.01.2-SD/3174/{tahun}", "{nomor}{nomor}", "{x}", "%s{nomor}"]},
))  # fmt: skip
def test_letter_office(staff, world, data):
    post_and_check(staff, reverse("dashboard_letter_office", args=["31.74"]), data)
