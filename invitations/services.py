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


def person_label(user: User) -> str:
    """ "Agus Setiawan (KPU Kota Jakarta Selatan)": who someone is, for whom they work."""
    name = user.full_name or user.email
    unit = user.unit_name or (
        f"{user.get_role_display()}, {user.region.name}" if user.region_id else ""
    )
    unit = unit or user.get_role_display()
    return f"{name} ({unit})" if unit else name


def invitation_role_phrase(invitation: Invitation) -> str:
    """What the invitation makes someone: "Pantarlih TPS 012 di Kalibata City"."""
    role = invitation.get_role_display()
    place = invitation.building.name if invitation.building_id else ""
    if invitation.tps and place:
        return _("%(role)s for TPS %(tps)s at %(place)s") % {
            "role": role,
            "tps": invitation.tps,
            "place": place,
        }
    if place:
        return _("%(role)s at %(place)s") % {"role": role, "place": place}
    if invitation.region_id:
        return _("%(role)s for %(area)s") % {"role": role, "area": invitation.region.name}
    return str(role)


def invitation_summary(invitation: Invitation) -> str:
    """The line the sign-up page and the email open with: who invites whom as what."""
    return _("You are invited as %(what)s by %(inviter)s.") % {
        "what": invitation_role_phrase(invitation),
        "inviter": person_label(invitation.invited_by),
    }


def invitation_conflicts(*, inviter: User, email: str, role: str, short: bool = False) -> list:
    """What the inviter should know before inviting `email` as `role`: an account that exists
    already, or pending invitations (one for the same role is withdrawn by the new one).

    The details of an invitation outside the inviter's scope stay hidden: another office's.
    """
    email = email.strip().lower()
    notes = []
    account = User.objects.filter(email__iexact=email).first()
    if account is not None:
        notes.append(
            _("already has an account as %(role)s") % {"role": account.get_role_display()}
            if short
            else _(
                "%(email)s already has an account as %(role)s: the invitation only adds its "
                "building or TPS to it, when they open the link signed in."
            )
            % {"email": email, "role": account.get_role_display()}
        )
    pending = (
        Invitation.objects.pending()
        .filter(email__iexact=email)
        .select_related("invited_by__region", "building", "region")
        .order_by("created_at")
    )
    visible = set(
        Invitation.objects.in_scope(inviter)
        .filter(email__iexact=email)
        .values_list("pk", flat=True)
    )
    for other in pending:
        replaced = other.role == role
        if short:
            notes.append(
                _("replaces the pending invitation of %(date)s")
                % {
                    "date": timezone.localtime(other.sent_at or other.created_at).strftime(
                        "%d-%m-%Y"
                    )
                }
                if replaced
                else _("also has a pending invitation as another role")
            )
            continue
        if other.pk in visible:
            note = _(
                "%(email)s already has a pending invitation as %(what)s, sent %(date)s by "
                "%(inviter)s."
            ) % {
                "email": email,
                "what": invitation_role_phrase(other),
                "date": timezone.localtime(other.sent_at or other.created_at).strftime(
                    "%d-%m-%Y %H.%M"
                ),
                "inviter": person_label(other.invited_by),
            }
        else:
            note = _("%(email)s already has a pending invitation from another office.") % {
                "email": email
            }
        tail = (
            _("Sending this one withdraws it: its link will stop working.")
            if replaced
            else _("It stays valid.")
        )
        notes.append(f"{note} {tail}")
    return notes


def _enqueue_email(invitation: Invitation) -> None:
    from invitations.tasks import invitation_send_email
    from outbox.services import outbox_enqueue

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
