"""The demo's side of retention (called by visits.demo's seed): a practice period closed four
months ago whose leftovers `manage.py apply_retention --dry-run` lists, and a hold on the
Pilkada 2024 period, so that the tour's 2024 photos and notes are kept (and the hold shows).
A pantarlih who worked only that practice period, Sari, is an account whose duty has ended:
KPU Provinsi can try an erasure on her (Admin → Users → Sari → Personal data).

The closed period holds no unit outcome: the 2024 figures and the units' statuses stay as the
rest of the demo sets them. Everything is looked up before it is created, like the rest.
"""

import datetime
import uuid
from io import BytesIO

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Briefing, BriefingInvitee, Invitation, Role, SentEmail
from privacy.models import PrivacyContact, RetentionHold
from regions.models import Region
from reminders.models import ReminderLog
from visits.models import AccessIssue, AccessIssueEvent, Assignment, CoklitPeriod, Schedule, Visit

CLOSED_PERIOD_NAME = "Latihan coklit rusun (demo, sudah ditutup)"
# The officer whose duty ended with the practice period (an account of visits.demo).
ENDED_EMAIL = "pantarlih.sari@demo.coklit.id"
HOLD_REASON = (
    "Demo: data Pilkada 2024 disimpan untuk tur demo, seperti penahanan saat sengketa di "
    "Bawaslu, DKPP atau Mahkamah Konstitusi masih berjalan."
)
_NAMESPACE = uuid.UUID("0b7f6d3e-2c1a-4e5f-8a9b-7c6d5e4f3a21")


def _picture(*lines: str) -> bytes:
    """A stand-in photo: a plain card naming what it shows."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (222, 214, 200))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(("Foto demo", *lines)):
        draw.text((48, 48 + 28 * i), line, fill=(20, 20, 20))
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _backdate_audit(obj, when: datetime.datetime) -> None:
    """The audit rows of a demo record, dated when the record says it happened."""
    LogEntry.objects.get_for_object(obj).update(timestamp=when)


def privacy_demo_seed(*, users, buildings, towers, period_2024, created) -> None:
    """`users`, `buildings`, `towers`: the demo's own dictionaries (visits.demo); `created`
    counts the rows made, by model name."""

    def made(model):
        created[model.__name__] += 1

    if not PrivacyContact.objects.exists():
        PrivacyContact(
            office="PPID KPU Provinsi DKI Jakarta (demo)",
            email="ppid@demo.coklit.id",
            phone="+62214247000",
            address="Jl. Salemba Raya No. 15, Paseban, Senen, Jakarta Pusat 10440",
            hours="Senin–Jumat 08.00–16.00 WIB",
            updated_by=users["kpu.provinsi"],
        ).save()
        made(PrivacyContact)
    _, new = RetentionHold.objects.get_or_create(
        period=period_2024,
        defaults={"reason": HOLD_REASON, "created_by": users["kpu.provinsi"]},
    )
    if new:
        made(RetentionHold)

    today = timezone.localdate()
    period, new = CoklitPeriod.objects.get_or_create(
        name=CLOSED_PERIOD_NAME,
        defaults={
            "starts_on": today - datetime.timedelta(days=150),
            "ends_on": today - datetime.timedelta(days=121),
        },
    )
    if not new:
        return  # the rest came with it
    made(CoklitPeriod)
    zone = timezone.get_current_timezone()

    def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
        when = period.starts_on + datetime.timedelta(days=day)
        return datetime.datetime.combine(when, datetime.time(hour, minute), tzinfo=zone)

    marunda = buildings["marunda"]
    joko, manager = users["pantarlih.joko"], users["pengelola.marunda"]
    Assignment.objects.create(period=period, pantarlih=joko, building=marunda, tps="045")
    made(Assignment)
    # The housing office's socialisation for Jakarta Utara's managers, two weeks before.
    briefing = Briefing.objects.create(
        title="Sosialisasi latihan coklit rusun Jakarta Utara",
        starts_at=at(-14, 9),
        place="Aula UPRS Marunda",
        organiser=users["dinas.perumahan"],
        region=Region.objects.get(code=marunda.kelurahan.code[:5]),
    )
    BriefingInvitee.objects.create(
        briefing=briefing, manager=manager, rsvp=BriefingInvitee.Rsvp.YES, attended=True,
        responded_at=at(-16, 11),
    )  # fmt: skip
    made(Briefing)
    # Recorded as the field pages and the portal record them: the audit log names who acted.
    with set_actor(joko):
        schedule = Schedule.objects.create(
            period=period,
            building=marunda,
            tower=towers["marunda", "Blok B"],
            kind=Schedule.Kind.DOOR_TO_DOOR,
            date=period.starts_on + datetime.timedelta(days=3),
            start=datetime.time(9),
            end=datetime.time(12),
            status=Schedule.Status.DONE,
            note="Latihan door-to-door Blok B bersama petugas UPRS.",
            reply="Silakan, petugas UPRS mendampingi dari pos lobi.",
            proposed_by=joko,
            decided_by=manager,
            decided_at=at(1, 15),
        )
    _backdate_audit(schedule, at(0, 14))
    made(Schedule)
    visits = []
    for key, tower, day, access, note in (
        ("blok-b", "Blok B", 3, Visit.Access.DENIED,
         "Petugas jaga meminta surat tugas asli; fotokopi tidak diterima."),
        ("blok-c", "Blok C", 4, Visit.Access.DENIED,
         "Blok C sedang fogging, diminta datang lagi minggu depan."),
    ):  # fmt: skip
        with set_actor(joko, remote_addr="10.20.30.40"):
            visit = Visit.objects.create(
                client_uuid=uuid.uuid5(_NAMESPACE, key),
                period=period,
                pantarlih=joko,
                building=marunda,
                tower=towers["marunda", tower],
                schedule=schedule if tower == "Blok B" else None,
                started_at=at(day, 9, 20),
                ended_at=at(day, 9, 35),
                access=access,
                note=note,
                latitude=marunda.latitude,
                longitude=marunda.longitude,
            )
        visit.photo.save(f"demo-latihan-{key}.jpg", ContentFile(_picture(marunda.name, tower)))
        _backdate_audit(visit, visit.started_at)
        visits.append(visit)
        made(Visit)
    with set_actor(joko):
        issue = AccessIssue.objects.create(
            building=marunda,
            visit=visits[0],
            kind=AccessIssue.Kind.SECURITY_REFUSED,
            description="Pantarlih TPS 045 ditolak masuk Blok B tanpa surat tugas asli.",
            level=AccessIssue.Level.PPS,
            raised_by=joko,
        )
    with set_actor(manager):  # the manager settles it in the portal
        issue.status, issue.handled_by = AccessIssue.Status.RESOLVED, manager
        issue.resolved_at = at(4, 10)
        issue.resolution = "Surat tugas asli ditunjukkan esok harinya; akses diberikan."
        issue.save()
    made(AccessIssue)
    AccessIssue.objects.filter(pk=issue.pk).update(created_at=at(3, 9, 40))
    _backdate_audit(issue, at(4, 10))
    for when, actor, action, note, evidence in (
        (at(3, 9, 40), joko, AccessIssueEvent.Action.RAISED, "", True),
        (at(4, 10), manager, AccessIssueEvent.Action.RESOLVED,
         "Surat tugas asli sudah kami lihat; petugas jaga sudah diberi tahu.", False),
    ):  # fmt: skip
        event = AccessIssueEvent(
            issue=issue, actor=actor, action=action, level=AccessIssue.Level.PPS, note=note
        )
        if evidence:
            event.evidence.save(
                "demo-latihan-surat-tugas.jpg",
                ContentFile(_picture("Surat tugas (fotokopi)", marunda.name)),
                save=False,
            )
        event.save()
        AccessIssueEvent.objects.filter(pk=event.pk).update(created_at=when)
        made(AccessIssueEvent)
    # Invited for the practice, never signed up: the invitation expired during the period.
    invitation = Invitation.objects.create(
        email="pantarlih.dimas@demo.coklit.id",
        full_name="Dimas Prasetyo",
        role=Role.PANTARLIH,
        region=marunda.kelurahan,
        building=marunda,
        tps="046",
        nonce=uuid.uuid4().hex,
        invited_by=users["kpu.provinsi"],
        sent_at=at(-10, 10),
        expires_at=at(-3, 10),
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_at=at(-10, 10))
    made(Invitation)
    _officer_whose_duty_ended(period, marunda, users, at, made)
    sent = SentEmail.objects.create(key=f"invitation:{invitation.pk}", to=invitation.email)
    SentEmail.objects.filter(pk=sent.pk).update(sent_at=at(-10, 10, 1))
    made(SentEmail)
    # The day before the visit, the officer and the manager were reminded (flow 8).
    for person in (joko, manager):
        log = ReminderLog.objects.create(
            kind=ReminderLog.Kind.VISIT_TOMORROW,
            recipient=person,
            key=f"schedule:{schedule.pk}",
            day=schedule.date - datetime.timedelta(days=1),
            status=ReminderLog.Status.SENT,
            created_at=at(2, 7),
            sent_at=at(2, 7, 1),
        )
        made(ReminderLog)
        reminded = SentEmail.objects.create(key=f"reminder:{log.pk}", to=person.email)
        SentEmail.objects.filter(pk=reminded.pk).update(sent_at=at(2, 7, 1))
    # How the UPRS head came in: the housing office's invitation, accepted the same day.
    if not Invitation.objects.filter(accepted_user=manager).exists():
        welcome = Invitation.objects.create(
            email=manager.email,
            full_name=manager.full_name,
            role=Role.PENGELOLA,
            building=marunda,
            nonce=uuid.uuid4().hex,
            invited_by=users["dinas.perumahan"],
            sent_at=at(-30, 9),
            expires_at=at(-23, 9),
            accepted_at=at(-30, 15),
            accepted_user=manager,
        )
        Invitation.objects.filter(pk=welcome.pk).update(created_at=at(-30, 9))
        made(Invitation)


def _officer_whose_duty_ended(period, marunda, users, at, made) -> None:
    """Sari took TPS 046 when the first invitee never signed up, and worked only the practice
    period: her duty has ended, so her account is the one to try an erasure on."""
    sari = users["pantarlih.sari"]
    invitation = Invitation.objects.create(
        email=sari.email,
        full_name=sari.full_name,
        phone=sari.phone,
        role=Role.PANTARLIH,
        region=marunda.kelurahan,
        building=marunda,
        tps="046",
        nonce=uuid.uuid4().hex,
        invited_by=users["kpu.provinsi"],
        sent_at=at(-4, 9),
        expires_at=at(3, 9),
        accepted_at=at(-4, 13),
        accepted_user=sari,
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_at=at(-4, 9))
    made(Invitation)
    Assignment.objects.create(period=period, pantarlih=sari, building=marunda, tps="046")
    made(Assignment)
