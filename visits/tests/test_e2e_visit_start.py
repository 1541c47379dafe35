"""Starting a visit on the phone: the button says what will happen, the access issue's fields
show only when access was denied, and a refused officer then finds the issue on today."""

import pytest

from conftest import sign_in
from visits.models import AccessIssue, Visit
from visits.tests.test_e2e_offline import pantarlih_day

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_start_form_asks_about_the_issue_only_when_access_was_denied(phone, live_server):
    day = pantarlih_day()
    Visit.objects.filter(pk=day.visit.pk).delete()
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    violations = []
    phone.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/tower/{day.tower.pk}/mulai/")
    submit = phone.locator("#visit-form button[type=submit]")
    issue = phone.locator("#visit-form .issue")

    assert submit.inner_text() == "Start visit" and issue.is_hidden()
    phone.check("input[name=access][value=partial]")
    assert submit.inner_text() == "Start visit" and issue.is_hidden()
    phone.check("input[name=access][value=denied]")
    assert submit.inner_text() == "Record turned away" and issue.is_visible()
    phone.check("input[name=access][value=granted]")
    assert submit.inner_text() == "Start visit" and issue.is_hidden()

    phone.check("input[name=access][value=denied]")
    phone.select_option("[name=issue_kind]", "manager_refused")
    phone.fill("[name=issue_description]", "Pengelola menolak coklit tanpa surat KPU.")
    submit.click()
    phone.wait_for_url("**/lapangan/")

    issue = AccessIssue.objects.get()
    assert (issue.kind, issue.raised_by, issue.visit.tower) == (
        "manager_refused",
        day.pantarlih,
        day.tower,
    )
    mine = phone.inner_text("#issues")
    assert "Manager refuses coklit" in mine and "Waiting for PPS" in mine
    assert not violations, violations


def test_a_denied_start_sent_back_with_an_error_keeps_the_issue_fields_open(phone, live_server):
    day = pantarlih_day()
    Visit.objects.filter(pk=day.visit.pk).delete()
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(phone, day.pantarlih.email)
    phone.goto(f"/lapangan/tower/{day.tower.pk}/mulai/")

    phone.check("input[name=access][value=denied]")
    phone.click("#visit-form button[type=submit]")  # nothing said about what happened
    phone.wait_for_selector(".errorlist")

    assert phone.is_visible("[name=issue_description]")
    assert phone.inner_text("#visit-form button[type=submit]") == "Record turned away"
    assert not AccessIssue.objects.exists()
