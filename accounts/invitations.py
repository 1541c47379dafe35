"""Invitations: the only way into the system. Staff invite; the invitee signs up from the link."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, Role, User

INVITATION_DAYS = 7
_SALT = "accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    return settings.SITE_URL.rstrip("/") + path


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link points to, or None if the link was never valid or was replaced."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related("building", "region", "invited_by")
        .filter(pk=data.get("i"))
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("n"))):
        return None
    return invitation


def _enqueue_email(invitation: Invitation) -> None:
    from accounts.tasks import invitation_send_email
    from reminders.outbox import outbox_enqueue

    outbox_enqueue(invitation_send_email, invitation.pk)


@transaction.atomic
def invitation_create(
    *,
    invited_by: User,
    email: str,
    full_name: str,
    role: str,
    region=None,
    building=None,
    tps: str = "",
    phone: str = "",
) -> Invitation:
    """Create an invitation and send its email once the transaction commits.

    A pending invitation for the same email and role is replaced, so the newest link wins.
    """
    email = email.strip().lower()
    now = timezone.now()
    Invitation.objects.pending().filter(email__iexact=email, role=role).update(revoked_at=now)
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        phone=phone,
        role=role,
        region=region,
        building=building,
        tps=tps,
        nonce=secrets.token_hex(16),
        invited_by=invited_by,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
        sent_at=now,
    )
    _enqueue_email(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """A fresh link (the old one stops working) and a fresh week to use it."""
    now = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
    invitation.sent_at = now
    invitation.revoked_at = None
    invitation.save(update_fields=["nonce", "expires_at", "sent_at", "revoked_at"])
    _enqueue_email(invitation)
    return invitation


def invitation_revoke(*, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.save(update_fields=["revoked_at", "nonce"])


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why a link cannot be used, in words for the person holding it; None when it can."""
    if invitation is None:
        return _(
            "This invitation link is not valid. It may have been replaced by a newer one: "
            "use the link in the most recent email, or ask whoever invited you to resend it."
        )
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        return _("This invitation has already been used. Sign in with your email and password.")
    if status == Invitation.Status.REVOKED:
        return _("This invitation was withdrawn by %(name)s.") % {
            "name": invitation.invited_by.full_name or invitation.invited_by.email
        }
    if status == Invitation.Status.EXPIRED:
        return _("This invitation expired on %(date)s. Ask %(name)s to send you a new one.") % {
            "date": timezone.localtime(invitation.expires_at).strftime("%d-%m-%Y %H:%M"),
            "name": invitation.invited_by.full_name or invitation.invited_by.email,
        }
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> None:
    """Give the account the invitation's role and scope, and use the invitation up."""
    from buildings.models import BuildingManager
    from visits.models import Assignment, CoklitPeriod

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValueError("invitation is not pending")
    fields = []
    if not user.role:
        user.role = invitation.role
        user.region = invitation.region
        fields += ["role", "region"]
    if not user.full_name:
        user.full_name = invitation.full_name
        fields.append("full_name")
    if invitation.phone and not user.phone:
        user.phone = invitation.phone
        fields.append("phone")
    if fields:
        user.save(update_fields=fields)
    if invitation.role == Role.PENGELOLA and invitation.building_id:
        BuildingManager.objects.get_or_create(
            user=user,
            building_id=invitation.building_id,
            defaults={
                "is_primary": not BuildingManager.objects.filter(
                    building_id=invitation.building_id, is_primary=True
                ).exists()
            },
        )
    if invitation.role == Role.PANTARLIH and invitation.building_id:
        period = CoklitPeriod.objects.order_by("-starts_on").first()
        if period:
            Assignment.objects.get_or_create(
                period=period,
                pantarlih=user,
                building_id=invitation.building_id,
                tower=None,
                defaults={"tps": invitation.tps or "-"},
            )
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
