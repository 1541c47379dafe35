"""The field pages laid out on a 390 px phone: what the officer reads is next to what it names."""

import pytest

from conftest import sign_in
from visits.tests.test_e2e_offline import pantarlih_day

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_each_voter_count_box_sits_under_its_own_label(phone):
    day = pantarlih_day()
    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/unit/{day.units[0].pk}/")

    for name in ("voters_verified", "voters_removed", "voters_new"):
        label = phone.locator(f"label[for=id_{name}]").bounding_box()
        box = phone.locator(f"input[name={name}]").bounding_box()
        assert box["y"] >= label["y"] + label["height"] - 1, name
        assert box["y"] - (label["y"] + label["height"]) < 40, name
        assert abs(box["x"] - label["x"]) < 2, name
        assert label["x"] + label["width"] <= box["x"] + box["width"] + 1, name
