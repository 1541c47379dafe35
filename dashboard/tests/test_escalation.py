"""The escalation ladder from the staff side: who acts at which rung, clocks, evidence, emails."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buildings.models import Building
from dashboard.escalation import STEP_DAYS, issue_actions, step_due
from visits.models import AccessIssue, AccessIssueEvent
from visits.tests.factories import AccessIssueFactory

pytestmark = pytest.mark.django_db


def _pdf(**metadata) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (32, 32), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 15.0, 30.0), 3: "E", 4: (106.0, 51.0, 10.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


PDF = _pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32  # a PNG's signature and nothing readable


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


def _issue(world, **extra):
    """A fresh issue at Marunda (side b), raised by its pantarlih."""
    return AccessIssueFactory(building=world.building_b, raised_by=world.pantarlih_b, **extra)


def _url(issue, name="dashboard_issue"):
    return reverse(name, args=[issue.pk])


# Who may act at each rung (the issue is in every one of these personas' scope).
OWNERS = {
    "pps": {"pps_marunda", "kpu_provinsi"},
    "kpu_kota": {"kpu_kota_utara", "kpu_provinsi"},
    "dinas": {"dinas", "kpu_provinsi"},
    "bawaslu": {"bawaslu_utara", "kpu_provinsi"},
}
IN_SCOPE_OF_B = ["pps_marunda", "kpu_kota_utara", "dinas", "bawaslu_utara", "kpu_provinsi"]
# The owner of the rung below keeps a voice (issue #16): it may comment, nothing more.
BELOW = {"kpu_kota": "pps_marunda", "dinas": "kpu_kota_utara", "bawaslu": "dinas"}


@pytest.mark.parametrize("level", list(OWNERS))
def test_only_the_owner_of_the_rung_and_kpu_provinsi_may_act(world, level):
    issue = _issue(world, level=level)
    for persona in IN_SCOPE_OF_B:
        actions = issue_actions(getattr(world, persona), issue)
        if persona in OWNERS[level]:
            assert actions, (level, persona)
        elif persona == BELOW.get(level):
            assert actions == {"comment"}, (level, persona, actions)
        else:
            assert actions == set(), (level, persona, actions)


def test_bawaslu_only_comments_and_takes_at_its_own_rung(world):
    issue = _issue(world, level="bawaslu")
    assert issue_actions(world.bawaslu_utara, issue) == {"comment", "take"}
    assert issue_actions(world.kpu_provinsi, issue) == {"comment", "take", "resolve"}


def test_the_letter_is_an_action_of_the_kpu_kota_rung_only(world):
    assert "letter" in issue_actions(world.kpu_kota_utara, _issue(world, level="kpu_kota"))
    assert "letter" not in issue_actions(world.pps_marunda, _issue(world, level="pps"))
    assert "escalate" not in issue_actions(world.kpu_provinsi, _issue(world, level="bawaslu"))


def test_a_user_who_may_not_act_gets_403_on_post(world, client_en):
    issue = _issue(world, level="dinas")
    client_en.force_login(world.pps_marunda)
    page = client_en.get(_url(issue))
    assert page.status_code == 200 and b"What you can do" not in page.content
    response = client_en.post(_url(issue), {"action": "resolve", "resolve-note": "Selesai."})
    assert response.status_code == 403
    assert AccessIssue.objects.get(pk=issue.pk).status == "open"


def test_bawaslu_cannot_resolve_even_at_its_rung(world, client_en):
    issue = _issue(world, level="bawaslu")
    client_en.force_login(world.bawaslu_utara)
    response = client_en.post(_url(issue), {"action": "resolve", "resolve-note": "Selesai."})
    assert response.status_code == 403
    response = client_en.post(_url(issue), {"action": "comment", "comment-note": "Dipantau."})
    assert response.status_code == 302
    assert issue.events.get(action="comment").actor == world.bawaslu_utara


def test_pps_moves_the_issue_up_with_a_fresh_two_day_clock(world, client_en):
    issue = _issue(world)
    client_en.force_login(world.pps_marunda)
    client_en.post(_url(issue), {"action": "take"})
    issue.refresh_from_db()
    assert issue.handled_by == world.pps_marunda and issue.status == "in_progress"
    before = timezone.now()
    response = client_en.post(
        _url(issue),
        {
            "action": "escalate",
            "escalate-note": "Pengelola tidak menjawab.",
            "escalate-confirm": "on",
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.level == "kpu_kota" and issue.status == "open" and issue.handled_by is None
    delta = issue.due_at - before
    assert (
        datetime.timedelta(days=STEP_DAYS) <= delta < datetime.timedelta(days=STEP_DAYS, seconds=30)
    )
    event = issue.events.get(action="escalated")
    assert (event.actor, event.level, event.note) == (
        world.pps_marunda,
        "kpu_kota",
        "Pengelola tidak menjawab.",
    )
    # The PPS no longer owns the rung; it may still comment.
    assert issue_actions(world.pps_marunda, issue) == {"comment"}


def test_moving_up_needs_a_note(world, client_en):
    issue = _issue(world)
    client_en.force_login(world.pps_marunda)
    response = client_en.post(_url(issue), {"action": "escalate", "escalate-note": ""})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert AccessIssue.objects.get(pk=issue.pk).level == "pps"


def test_the_first_rung_is_due_two_days_after_the_issue_was_raised(world):
    issue = _issue(world)
    assert step_due(issue) == issue.created_at + datetime.timedelta(days=STEP_DAYS)


def test_the_list_puts_open_issues_first_and_flags_overdue_ones(world, client_en):
    late = _issue(world, due_at=timezone.now() - datetime.timedelta(hours=1), level="dinas")
    resolved = _issue(world, status="resolved", resolved_at=timezone.now(), resolution="Beres.")
    client_en.force_login(world.kpu_kota_utara)
    response = client_en.get(reverse("dashboard_issues"))
    rows = [row for row, due, overdue in response.context["rows"]]
    assert rows.index(late) < rows.index(resolved)
    assert dict((r.pk, o) for r, d, o in response.context["rows"])[late.pk] is True
    assert b"Overdue" in response.content
    filtered = client_en.get(reverse("dashboard_issues"), {"tingkat": "dinas", "status": "open"})
    assert [r for r, d, o in filtered.context["rows"]] == [late]


def test_evidence_is_stored_with_the_step(world, client_en):
    issue = _issue(world)
    client_en.force_login(world.pps_marunda)
    upload = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    client_en.post(
        _url(issue),
        {"action": "comment", "comment-note": "Foto surat.", "comment-evidence": upload},
    )
    event = issue.events.get(action="comment")
    assert event.evidence.name.endswith(".pdf")
    assert event.evidence.read().startswith(b"%PDF-")


def test_evidence_keeps_no_author_software_or_location(world, client_en):
    # Issue #13: evidence files kept GPS and camera metadata (visit photos were cleaned).
    from PIL import Image
    from pypdf import PdfReader

    issue = _issue(world)
    client_en.force_login(world.pps_marunda)
    for name, content in [
        ("surat 3174.pdf", _pdf(**{"/Author": "Agus Setiawan", "/Creator": "HP Scan"})),
        ("satpam.jpg", _jpeg_with_gps()),
    ]:
        client_en.post(_url(issue), {"action": "comment", "comment-note": name,
                                     "comment-evidence": SimpleUploadedFile(name, content)})  # fmt: skip

    pdf, jpeg = (e.evidence for e in issue.events.filter(action="comment").order_by("pk"))
    data = pdf.read()
    assert b"Agus" not in data and b"HP Scan" not in data
    assert not (PdfReader(io.BytesIO(data)).metadata or {}).get("/Author")
    assert "3174" not in pdf.name
    with Image.open(jpeg) as image:
        assert not image.getexif()


def test_a_damaged_evidence_file_is_refused_with_a_message(world, client_en):
    issue = _issue(world)
    client_en.force_login(world.pps_marunda)
    response = client_en.post(_url(issue), {
        "action": "comment", "comment-note": "Rusak.",
        "comment-evidence": SimpleUploadedFile("foto.png", PNG),
    })  # fmt: skip

    assert "damaged" in response.content.decode()
    assert not issue.events.filter(action="comment").exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("surat.pdf", b"just text pretending to be a pdf"),
        ("foto.pdf", PNG),  # a PNG under a PDF's name
        ("script.html", b"<html><script>alert(1)</script>"),
        ("besar.pdf", PDF + b"0" * (5 * 1024 * 1024)),
    ],
)
def test_evidence_that_is_not_a_small_pdf_jpeg_or_png_is_refused(world, client_en, name, content):
    issue = _issue(world)
    client_en.force_login(world.pps_marunda)
    response = client_en.post(
        _url(issue),
        {
            "action": "escalate",
            "escalate-note": "Naik.",
            "escalate-confirm": "on",
            "escalate-evidence": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert AccessIssue.objects.get(pk=issue.pk).level == "pps"
    assert not issue.events.filter(action="escalated").exists()


def test_the_letter_names_the_manager_the_law_and_the_issue(world, client_en):
    Building.objects.filter(pk=world.building_b.pk).update(
        manager_org="PT Pengelola Marunda Sejahtera"
    )
    world.manager_b.managed_buildings.update(is_primary=True)
    issue = _issue(world, level="kpu_kota")
    client_en.force_login(world.kpu_kota_utara)
    page = client_en.get(_url(issue, "dashboard_issue_letter"))
    text = page.content.decode()
    assert "PT Pengelola Marunda Sejahtera" in text
    assert world.manager_b.full_name in text
    assert "UU 10/2016" in text and "PKPU 7/2024" in text
    assert issue.description in text
    assert "KPU Kota Administrasi Jakarta Utara" in text
    # The officer reads English; the letter to the manager is in Indonesian all the same.
    assert "Record the letter as sent" in text and "Dear Sir or Madam" not in text
    assert "Dengan hormat" in text
    client_en.post(_url(issue), {"action": "letter", "letter-sent_on": timezone.localdate(),
                                 "letter-signatory_name": "Ahmad Ketua",
                                 "letter-signatory_position": "Ketua"})  # fmt: skip
    event = issue.events.get(action="letter_sent")
    assert event.actor == world.kpu_kota_utara and event.level == "kpu_kota"
    assert client_en.post(_url(issue, "dashboard_issue_letter")).status_code == 405


def test_resolving_tells_the_managers_and_the_pantarlih(
    world, client_en, mailoutbox, django_capture_on_commit_callbacks
):
    issue = _issue(world, level="kpu_kota")
    client_en.force_login(world.kpu_kota_utara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_en.post(
            _url(issue), {"action": "resolve", "resolve-note": "Pengelola membuka akses."}
        )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == "resolved" and issue.resolved_at is not None
    assert issue.resolution == "Pengelola membuka akses."
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.manager_b.email, world.pantarlih_b.email]
    )
    assert "Pengelola membuka akses." in mailoutbox[0].body


def test_a_resolved_issue_can_be_reopened_with_a_reason(world, client_en):
    issue = _issue(world, level="dinas", status="resolved", resolved_at=timezone.now())
    client_en.force_login(world.dinas)
    client_en.post(_url(issue), {"action": "reopen", "reopen-note": "Akses ditutup lagi."})
    issue.refresh_from_db()
    assert issue.status == "open" and issue.resolved_at is None and issue.due_at is not None
    assert issue.events.filter(action="reopened", actor=world.dinas).exists()


@pytest.mark.parametrize("persona", ["manager_b", "pantarlih_b"])
def test_managers_and_pantarlih_do_not_reach_the_staff_pages(world, client_en, persona):
    issue = _issue(world)
    client_en.force_login(getattr(world, persona))
    assert client_en.get(reverse("dashboard_issues")).status_code == 404
    assert client_en.get(_url(issue)).status_code == 404
    assert client_en.post(_url(issue), {"action": "take"}).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_the_issue_page_run_a_fixed_number_of_queries(world, client_en):
    issue = _issue(world)
    client_en.force_login(world.kpu_kota_utara)
    lists = _queries(client_en, reverse("dashboard_issues"))
    page = _queries(client_en, _url(issue))
    letter = _queries(client_en, _url(issue, "dashboard_issue_letter"))
    for n in range(6):
        _issue(world, level="dinas")
        AccessIssueEvent.objects.create(
            issue=issue, actor=world.pps_marunda, action="comment", level="pps", note=f"#{n}"
        )
    assert _queries(client_en, reverse("dashboard_issues")) == lists
    assert _queries(client_en, _url(issue)) == page
    assert _queries(client_en, _url(issue, "dashboard_issue_letter")) == letter
    print(f"queries: issue list {lists}, issue page {page}, letter {letter}")
