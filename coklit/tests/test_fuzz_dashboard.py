"""Fuzzing the staff dashboard's forms: escalation, scheduling, assignments, briefings.

`FUZZ_EXAMPLES=1000 bin/test coklit/tests/test_fuzz*.py` is the full run (issue #8).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Briefing, BriefingInvitee
from coklit.tests.fuzzing import FUZZ, file_bytes, file_names, form_data, post_and_check
from regions.models import Region

pytestmark = pytest.mark.django_db

DATES = ["2024-06-25", "2024-07-01", "2023-01-01"]
TIMES = ["09:00", "10:00", "16:00"]
KELURAHAN = "31.74.08.1003"


@pytest.fixture
def staff(client, world):
    client.force_login(world.kpu_provinsi)
    return client


@pytest.fixture
def briefing(world):
    briefing = Briefing.objects.create(
        title="Sosialisasi", starts_at=timezone.make_aware(datetime.datetime(2024, 6, 20, 9)),
        place="Aula", organiser=world.kpu_provinsi, region=Region.objects.get(code="31.74"),
    )  # fmt: skip
    BriefingInvitee.objects.create(briefing=briefing, manager=world.manager_a)
    return briefing


@FUZZ
@given(
    data=form_data(["action", "note"],
                   {"action": ["comment", "take", "escalate", "letter", "resolve", "reopen"]}),
    evidence=st.none() | st.tuples(file_bytes, file_names),
)  # fmt: skip
def test_escalation_actions(staff, world, data, evidence):
    files = {"evidence": SimpleUploadedFile(evidence[1] or "x", evidence[0])} if evidence else None
    url = reverse("dashboard_issue", args=[world.side["a"]["accessissue"].pk])
    post_and_check(staff, url, data, files=files)


@FUZZ
@given(data=form_data(
    ["kind", "tower", "date", "start", "end", "note"],
    {"kind": ["visit", "posko", "x"], "date": DATES, "start": TIMES, "end": TIMES},
))  # fmt: skip
def test_staff_schedule_propose(staff, world, data):
    data.setdefault("tower", str(world.tower_a.pk))
    url = reverse("dashboard_building_schedules", args=[world.building_a.pk])
    post_and_check(staff, url, data)


@FUZZ
@given(data=form_data(
    ["action", "answer-reply", "counter-date", "counter-start", "counter-end", "counter-note",
     "cancel-reason"],
    {"action": ["confirm", "decline", "counter", "cancel"], "counter-date": DATES,
     "counter-start": TIMES, "counter-end": TIMES},
))  # fmt: skip
def test_staff_schedule_answer(staff, world, data):
    url = reverse("dashboard_schedule", args=[world.side["a"]["schedule"].pk])
    post_and_check(staff, url, data)


@FUZZ
@given(data=form_data(
    ["p-b{b}", "tps-b{b}", "p-t{t}", "tps-t{t}", "tps-a{a}", "rm-a{a}"],
    {"p-b{b}": ["{p}", "{q}", ""], "tps-b{b}": ["001", "12", "0000"],
     "p-t{t}": ["{p}", ""], "tps-t{t}": ["002"], "tps-a{a}": ["013", ""], "rm-a{a}": ["1", ""]},
))  # fmt: skip
def test_assignment_screen(staff, world, data):
    ids = {"{b}": world.building_a.pk, "{t}": world.tower_a.pk,
           "{p}": world.pantarlih_a.pk, "{q}": world.pantarlih_b.pk,
           "{a}": world.side["a"]["assignment"].pk}  # fmt: skip

    def fill(text):
        for key, pk in ids.items():
            text = text.replace(key, str(pk))
        return text

    data = {fill(k): fill(v) if isinstance(v, str) else v for k, v in data.items()}
    post_and_check(staff, reverse("dashboard_assignments", args=[KELURAHAN]), data)


@FUZZ
@given(raw=file_bytes, name=file_names)
def test_assignment_sheet_upload(staff, world, raw, name):
    url = reverse("dashboard_assignment_upload", args=[KELURAHAN])
    post_and_check(staff, url, {}, files={"file": SimpleUploadedFile(name or "x", raw)})


@FUZZ
@given(data=form_data(
    ["title", "starts_at", "place", "online_link", "region"],
    {"starts_at": ["2024-06-20T09:00", "2024-13-01T09:00"],
     "online_link": ["https://meet.example.id/x", "javascript:alert(1)"], "region": ["{r}"]},
))  # fmt: skip
def test_briefing_create(staff, world, data):
    region = str(Region.objects.get(code="31.74").pk)
    data = {k: v.replace("{r}", region) if isinstance(v, str) else v for k, v in data.items()}
    post_and_check(staff, reverse("dashboard_briefings"), data)


@FUZZ
@given(data=form_data(["buildings", "hadir"],
                      {"buildings": ["{a}", "{b}"], "hadir": ["{i}", "0"]}))  # fmt: skip
def test_briefing_invite_and_attendance(staff, world, briefing, data):
    ids = {"{a}": world.building_a.pk, "{b}": world.building_b.pk,
           "{i}": briefing.invitees.get().pk}  # fmt: skip
    for key in list(data):
        value = data[key]
        if isinstance(value, str) and value in ids:
            data[key] = str(ids[value])
    for name in ("dashboard_briefing_invite", "dashboard_briefing_attendance"):
        post_and_check(staff, reverse(name, args=[briefing.pk]), data)


@FUZZ
@given(data=form_data(["rsvp"], {"rsvp": ["yes", "no", "maybe"]}))
def test_briefing_answer(client, world, briefing, data):
    client.force_login(world.manager_a)
    invitee = briefing.invitees.get()
    post_and_check(client, reverse("dashboard_briefing_answer", args=[invitee.pk]), data)
