from celery import shared_task

from accounts.emails import email_send
from accounts.models import Invitation
from invitations.services import invitation_url


# acks_late: a worker killed mid-send leaves the message for another; once_key (a resend makes a
# new nonce) keeps the invitee from getting the same link twice.
@shared_task(
    # The name it had before the move, so messages already in the outbox or queue still run.
    name="accounts.tasks.invitation_send_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def invitation_send_email(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.pending()
        .select_related("invited_by", "building", "region")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return  # accepted, revoked or expired since it was queued
    email_send(
        template="invitation",
        to=invitation.email,
        context={"invitation": invitation, "url": invitation_url(invitation)},
        once_key=f"invitation:{invitation.pk}:{invitation.nonce}",
    )
