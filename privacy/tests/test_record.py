"""docs/privacy.md stays the record of what is held: every section of a person's copy is in it,
with who it concerns, why, who sees it, where it is and how long it is kept."""

import pytest

from privacy.person import person_data
from privacy.tests.record import export_keys, record_rows

pytestmark = pytest.mark.django_db


def test_every_row_says_whose_what_why_who_where_and_how_long():
    rows = record_rows()
    assert len(rows) > 20
    for row in rows:
        for column in ("kind", "whose", "what", "why", "who sees it (as enforced)",
                       "where stored", "kept"):  # fmt: skip
            assert row[column], (row["kind"], column)


def test_every_section_of_a_persons_copy_is_in_the_record(world):
    documented = {key for row in record_rows() for key in export_keys(row)}
    produced = {section["key"] for section in person_data(world.pantarlih_a)["sections"]}
    assert produced - documented == set(), "document these in docs/privacy.md"
    assert documented - produced == set(), "docs/privacy.md names sections the copy lacks"
