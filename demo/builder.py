"""The demo: six real Jakarta complexes, one account per role and a few days of coklit.

`manage.py seed_demo` calls `demo_seed`, which reads demo/data/ and builds it with the other
modules of this app, one per part of the story. Every row is looked up by its natural key
before it is created, so running it again creates nothing new.

Rows go through the product's services where one exists and writes no more than the demo
shows: units (units_generate), officer photos (officer_photo_set), the 2024 visits
(visit_start, visit_end), outcomes (outcome_record), residents' requests
(visit_request_submit), letters and escalations (dashboard.escalation). The rest is written
directly, because no service makes it (accounts, buildings, managers, assignments, periods)
or because the service would send its emails today about a history that already happened
(schedules, invitations, the access issues of 2024, the closed practice period); each
module says which.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from accounts.audit import audit_context
from demo.data.people import ACCOUNTS, DEMO_PASSWORD, AccountSpec
from demo.data.places import DEMO_BUILDINGS_FILE
from demo.fieldwork import schedules_seed, visits_seed
from demo.issues import access_issue_seed, letters_seed
from demo.people import (
    accounts_seed,
    assignments_seed,
    invitations_seed,
    managers_seed,
    officer_photos_seed,
    regions_of_demo,
)
from demo.places import buildings_seed, occupancy_seed
from demo.practice import practice_window_seed, visit_requests_seed
from demo.retention import retention_seed
from demo.rows import DemoRows


@dataclass
class DemoResult:
    accounts: tuple[AccountSpec, ...]
    password: str
    created: Counter = field(default_factory=Counter)  # model name → rows created


@transaction.atomic
def demo_seed() -> DemoResult:
    """Create whatever part of the demo dataset is missing; existing rows are left as they are."""
    rows = DemoRows()
    regions = regions_of_demo()
    accounts_seed(rows, regions)
    # Each part is recorded in the audit trail under the person who would have done it, so
    # the timelines (/dasbor/gedung/<id>/riwayat/) read as the office's week did.
    with audit_context(actor=rows.users["dinas.perumahan"], file=DEMO_BUILDINGS_FILE):
        buildings_seed(rows, regions)
    with audit_context(actor=rows.users["kpu.jaksel"]):
        managers_seed(rows)
    assignments_seed(rows)
    officer_photos_seed(rows)
    occupancy_seed(rows)
    schedules_seed(rows)
    visits_seed(rows)
    with audit_context(actor=rows.users["kpu.jaksel"]):
        access_issue_seed(rows)
        letters_seed(rows)
    invitations_seed(rows)
    with audit_context(actor=rows.users["pps.rawajati"]):
        practice = practice_window_seed(rows)
    # Residents' side: Kalibata City's public page and posters, two requests (one visited).
    visit_requests_seed(rows, practice)
    # Retention's side: a closed practice period to try --dry-run on, a hold on 2024.
    retention_seed(rows)
    return DemoResult(accounts=ACCOUNTS, password=DEMO_PASSWORD, created=rows.created)
