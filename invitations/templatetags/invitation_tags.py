"""Who invites whom as what, worded in the language the page or email is rendered in."""

from django import template

from invitations.adapter import pending_invitation
from invitations.services import invitation_summary

register = template.Library()


@register.filter
def invited_as(invitation) -> str:
    """ "You are invited as Pantarlih TPS 012 at … by …" for an invitation."""
    return invitation_summary(invitation) if invitation else ""


@register.simple_tag(takes_context=True)
def pending_invitation_summary(context) -> str:
    """The same line for the invitation this browser arrived with (the sign-up page)."""
    request = context.get("request")
    invitation = pending_invitation(request) if request is not None else None
    return invitation_summary(invitation) if invitation else ""
