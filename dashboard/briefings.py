"""Socialisation sessions (*sosialisasi coklit*, DESIGN flow 2): invite, answer, attend, follow up."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.emails import email_send
from accounts.models import Briefing, BriefingInvitee
from buildings.models import Building, BuildingManager
from outbox.services import outbox_enqueue


def briefing_invite(*, briefing: Briefing, buildings) -> int:
    """Invite the managers of `buildings` (already scoped) inside the session's kota.

    Managers invited before are left as they are; each new one gets an email after commit.
    Returns how many were newly invited.
    """
    buildings = buildings.filter(kelurahan__code__startswith=briefing.region.code, active=True)
    managers = set(
        BuildingManager.objects.filter(building__in=buildings.values("pk")).values_list(
            "user_id", flat=True
        )
    )
    already = set(briefing.invitees.values_list("manager_id", flat=True))
    new = managers - already
    BriefingInvitee.objects.bulk_create(
        [BriefingInvitee(briefing=briefing, manager_id=m) for m in sorted(new)],
        ignore_conflicts=True,
    )
    ids = list(briefing.invitees.filter(manager_id__in=new).values_list("pk", flat=True))

    from dashboard.export_tasks import briefing_invitation_send

    for pk in ids:
        # Through the outbox: with Redis down the session is saved and the emails wait.
        outbox_enqueue(briefing_invitation_send, pk)
    return len(ids)


def briefing_answer_url(briefing: Briefing) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("dashboard_briefing_answer", args=[briefing.pk])


def briefing_invitation_email(*, invitee_id: int) -> None:
    invitee = (
        BriefingInvitee.objects.select_related("briefing__organiser", "briefing__region", "manager")
        .filter(pk=invitee_id)
        .first()
    )
    if invitee is None or not invitee.manager.is_active:
        return
    buildings = Building.objects.filter(
        managers__user=invitee.manager,
        kelurahan__code__startswith=invitee.briefing.region.code,
    ).order_by("name")
    email_send(
        template="briefing_invitation",
        to=invitee.manager.email,
        language=invitee.manager.language,
        context={
            "invitee": invitee,
            "briefing": invitee.briefing,
            "buildings": list(buildings),
            "url": briefing_answer_url(invitee.briefing),
        },
        once_key=f"briefing_invitation:{invitee.pk}",
    )


def briefing_answer(*, invitee: BriefingInvitee, rsvp: str) -> None:
    invitee.rsvp = rsvp
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["rsvp", "responded_at"])


@transaction.atomic
def briefing_attendance_record(*, briefing: Briefing, present_ids) -> None:
    """Exactly the invitees in `present_ids` came."""
    # Ids past the database's integer range cannot be anyone, and would crash the lookup.
    present = {int(pk) for pk in present_ids if str(pk).isdigit() and int(pk) < 2**63}
    briefing.invitees.filter(pk__in=present).update(attended=True)
    briefing.invitees.exclude(pk__in=present).update(attended=False)
