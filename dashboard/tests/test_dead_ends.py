"""Issue #16, item 4: no dead ends on the staff dashboard.

"Propose a visit or posko day" was shown to Bawaslu and Dinas Perumahan and opened a page with
no form. For each staff role this walks the dashboard's pages (region, building, issue list,
an issue at every step, the letter, the schedule pages) and checks every control shown:
a link to a page made for acting must open a page where that role can act, and every form
that posts must be accepted from that role (a 200 with the form's errors, or a redirect;
never a 403, 404 or 405). Each submission is rolled back, so one does not change the next.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from accounts.tests.factories import UserFactory
from regions.models import Region
from visits.tests.factories import AccessIssueFactory, ScheduleFactory

pytestmark = pytest.mark.django_db

# Pages whose purpose is a form: a link to one is a promise that the reader can act there.
ACTION_PAGES = {
    "dashboard_issue_new",
    "dashboard_building_schedules",
    "dashboard_assignments",
    "dashboard_assignment_upload",
    "dashboard_letter_office",
    "dashboard_briefings",
}
# Forms of the page frame, the same for everyone.
FRAME_FORMS = {"/akun/logout/", "/i18n/setlang/"}

ROLES = ["kpu_provinsi", "kpu_kota_utara", "ppk_cilincing", "pps_marunda", "dinas",
         "bawaslu_utara"]  # fmt: skip


class Controls(HTMLParser):
    """The links and the posting forms of a page, with each form's fields as submitted."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(),
                          "action": attrs.get("action") or "", "data": {}, "submit": None}  # fmt: skip
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button"):
            name, kind = attrs.get("name"), attrs.get("type", "")
            if tag == "button" or kind == "submit":
                if name and self._form["submit"] is None:
                    self._form["submit"] = (name, attrs.get("value", ""))
            elif name and kind not in ("checkbox", "file"):
                self._form["data"].setdefault(name, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _controls(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


def _url_name(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None  # tel:, wa.me, mailto: and the like
    try:
        return resolve(parts.path).url_name
    except Resolver404:
        return None


@pytest.fixture
def people(world):
    world.ppk_cilincing = UserFactory(
        email="ppk-cilincing@uji.coklit.id", role="ppk", region=Region.objects.get(code="31.72.04")
    )
    return world


@pytest.fixture
def pages(people):
    """The dashboard pages every role of building B's area opens."""
    world = people
    building = world.building_b
    issues = {
        level: AccessIssueFactory(building=building, raised_by=world.pantarlih_b, level=level)
        for level in ("pps", "kpu_kota", "dinas", "bawaslu")
    }
    from_manager = ScheduleFactory(building=building, proposed_by=world.manager_b)
    return [
        reverse("dashboard_region", args=["31.72.04.1003"]),
        reverse("dashboard_building", args=[building.pk]),
        reverse("dashboard_issues"),
        *(reverse("dashboard_issue", args=[i.pk]) for i in issues.values()),
        reverse("dashboard_issue_letter", args=[issues["kpu_kota"].pk]),
        reverse("dashboard_issue_reprimand", args=[issues["dinas"].pk]),
        reverse("dashboard_building_schedules", args=[building.pk]),
        reverse("dashboard_schedule", args=[from_manager.pk]),
        reverse("dashboard_schedule", args=[world.side["b"]["schedule"].pk]),
        reverse("dashboard_agenda") + "?minggu=2024-06-24",
    ]


def _can_act_on(client, url) -> bool:
    forms = _controls(client.get(url).content.decode()).forms
    return any(f["method"] == "post" and f["action"] not in FRAME_FORMS for f in forms)


@pytest.mark.parametrize("persona", ROLES)
def test_every_control_shown_to_a_role_works_for_it(people, pages, client, persona):
    user = getattr(people, persona)
    client.force_login(user)
    checked_links = checked_forms = 0
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (persona, page, response.status_code)
        controls = _controls(response.content.decode())
        for href in controls.links:
            if _url_name(href) in ACTION_PAGES:
                assert client.get(href).status_code == 200, (persona, page, href)
                assert _can_act_on(client, href), (persona, page, "dead end:", href)
                checked_links += 1
        for form in controls.forms:
            if form["method"] != "post" or form["action"] in FRAME_FORMS:
                continue
            data = dict(form["data"])
            if form["submit"]:
                data.setdefault(*form["submit"])
            target = form["action"] or page
            savepoint = transaction.savepoint()
            answer = client.post(target, data)
            transaction.savepoint_rollback(savepoint)
            assert answer.status_code in (200, 302), (persona, page, data, answer.status_code)
            checked_forms += 1
    print(f"{persona}: {checked_links} action links, {checked_forms} forms checked")


def test_dinas_and_bawaslu_are_not_offered_to_propose_a_schedule(people, pages, client):
    building = people.building_b
    propose = reverse("dashboard_building_schedules", args=[building.pk])
    for persona in ("dinas", "bawaslu_utara"):
        client.force_login(getattr(people, persona))
        for page in pages:
            assert f'href="{propose}"' not in client.get(page).content.decode(), (persona, page)
    client.force_login(people.pps_marunda)
    page = client.get(reverse("dashboard_building", args=[building.pk]))
    assert f'href="{propose}"' in page.content.decode()
