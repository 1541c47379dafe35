from accounts.adapter import AccountAdapter
from accounts.models import Invitation
from accounts.roles import ADMIN_USERS
from invitations.services import invitation_accept

SESSION_KEY = "invitation_id"


def pending_invitation(request):
    """The invitation this browser arrived with, if it can still be used."""
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Invitation.objects.pending().filter(pk=pk).first()


class InvitationAccountAdapter(AccountAdapter):
    """Sign-up only from a valid invitation; the invitation decides role and scope."""

    def is_open_for_signup(self, request):
        return pending_invitation(request) is not None

    def save_user(self, request, user, form, commit=True):
        invitation = pending_invitation(request)
        user.full_name = form.cleaned_data.get("full_name") or invitation.full_name
        user.role, user.region, user.phone = invitation.role, invitation.region, invitation.phone
        # KPU, the housing office and Bawaslu work in the (scoped) admin as well.
        user.is_staff = invitation.role in ADMIN_USERS
        user = super().save_user(request, user, form, commit=commit)
        if commit and invitation is not None:
            invitation_accept(invitation=invitation, user=user)
            request.session.pop(SESSION_KEY, None)
        return user
