"""Fuzzing the pantarlih's field pages and the offline queue's JSON endpoint.

`FUZZ_EXAMPLES=1000 bin/test coklit/tests/test_fuzz*.py` is the full run (issue #8).
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from coklit.tests.fuzzing import (
    FUZZ,
    assert_nothing_invalid,
    baseline,
    file_bytes,
    file_names,
    form_data,
    json_values,
    post_and_check,
    rolled_back,
    stored_state,
    value,
)

pytestmark = pytest.mark.django_db

UUIDS = ["6f1c1f7e-3f57-4c52-9d43-3c0b2f4f5a10", "00000000-0000-0000-0000-000000000000"]
MOMENTS = ["2024-06-25T10:00", "2024-06-25T10:00:00+07:00", "1900-01-01T00:00", "2099-12-31T23:59"]
OUTCOME = {
    "outcome": ["visited", "refused", "not_home", "vacant", "nonresidential", "x"],
    "voters_verified": ["0", "3", "-1", "100000"],
    "voters_removed": ["0", "1"],
    "voters_new": ["0", "2"],
    "sticker": ["placed", "handed_over", "none"],
    "client_uuid": UUIDS,
    "recorded_at": MOMENTS,
}


@pytest.fixture
def pantarlih(client, world):
    client.force_login(world.pantarlih_a)
    return client


@FUZZ
@given(
    data=form_data(
        ["client_uuid", "started_at", "access", "note", "latitude", "longitude", "issue_kind",
         "issue_description"],
        {"client_uuid": UUIDS, "started_at": MOMENTS, "access": ["granted", "refused", "partial"],
         "latitude": ["-6.25", "91", "NaN"], "longitude": ["106.85", "-181", "Infinity"],
         "issue_kind": ["security_refused", "other"]},
    ),
    photo=st.none() | st.tuples(file_bytes, file_names),
)  # fmt: skip
def test_visit_start(pantarlih, world, data, photo):
    files = {"photo": SimpleUploadedFile(photo[1] or "x", photo[0])} if photo else None
    url = reverse("field_visit_start", args=[world.tower_a.pk])
    post_and_check(pantarlih, url, data, files=files)


@FUZZ
@given(data=form_data(list(OUTCOME), OUTCOME))
def test_unit_outcome(pantarlih, world, data):
    post_and_check(pantarlih, reverse("field_unit", args=[world.unit_a.pk]), data)


@FUZZ
@given(data=form_data(["floor", "outcome", "client_uuid"],
                      {"floor": ["1", "-1", "999"], **OUTCOME}))  # fmt: skip
def test_floor_outcome(pantarlih, world, data):
    post_and_check(pantarlih, reverse("field_floor", args=[world.tower_a.pk]), data)


@FUZZ
@given(data=form_data(["access", "note", "issue_kind", "issue_description"],
                      {"access": ["granted", "refused"], "issue_kind": ["other"]}))  # fmt: skip
def test_visit_end(pantarlih, world, data):
    url = reverse("field_visit_end", args=[world.side["a"]["visit"].pk])
    post_and_check(pantarlih, url, data)


def _items(world):
    known = {
        **{k: st.sampled_from(v) | value | json_values for k, v in OUTCOME.items()},
        "visit": st.sampled_from([str(world.side["a"]["visit"].client_uuid),
                                  str(world.side["b"]["visit"].client_uuid), *UUIDS]) | json_values,
        "unit": st.sampled_from([world.unit_a.pk, world.unit_b.pk, -1, 2**63]) | json_values,
    }  # fmt: skip
    item = st.fixed_dictionaries({}, optional=known)
    return st.one_of(
        json_values,
        st.fixed_dictionaries({"outcomes": st.lists(item | json_values, max_size=4)}),
        st.fixed_dictionaries({"outcomes": json_values}),
    )


@FUZZ
@given(data=st.data())
def test_sync_json(pantarlih, world, data):
    body = data.draw(_items(world))
    raw = data.draw(st.sampled_from(["json", "bytes"]))
    payload = json.dumps(body) if raw == "json" else data.draw(st.binary(max_size=200))
    url = reverse("field_sync")
    before = baseline(url)
    with rolled_back():
        response = pantarlih.post(url, payload, content_type="application/json")
        assert response.status_code < 500
        results = response.json().get("results", [])
        accepted = any(r.get("status") == "stored" for r in results)
        assert_nothing_invalid(before, stored_state(), accepted=accepted)
