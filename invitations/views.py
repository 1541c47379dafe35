import secrets
from urllib.parse import urlencode

import tablib
from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Invitation, User
from accounts.scope import invitable_roles
from buildings.imports import sheet_line
from invitations.adapter import SESSION_KEY
from invitations.forms import (
    InvitationForm,
    InvitationUploadForm,
    invitations_from_table,
    table_read,
)
from invitations.services import (
    invitation_accept,
    invitation_conflicts,
    invitation_create,
    invitation_from_token,
    invitation_problem,
    invitation_resend,
    invitation_revoke,
    invitation_role_phrase,
)


def invitation_accept_view(request, token):
    """The link in the invitation email: sign up, or attach the invitation to one's account."""
    invitation = invitation_from_token(token)
    problem = invitation_problem(invitation)
    if problem:
        return render(request, "accounts/invitation_problem.html", {"problem": problem}, status=410)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if request.user.is_authenticated and request.user.pk == existing.pk:
            invitation_accept(invitation=invitation, user=existing)
            messages.success(request, _("Invitation accepted: %(what)s.") % {"what": invitation})
            return redirect("home")
        messages.info(
            request,
            _("You already have an account: sign in, then open the invitation link again."),
        )
        return redirect(f"{_login_url()}?next={request.path}")
    request.session[SESSION_KEY] = invitation.pk
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


def _login_url():
    from django.urls import reverse

    return reverse("account_login")


def _inviter_required(request):
    if not invitable_roles(request.user):
        raise Http404


# The next invitation starts where the last one was sent: same role, area and building.
KEEP_FOR_NEXT = {"peran": "role", "wilayah": "region", "gedung": "building"}


@login_required
def invitation_list(request):
    _inviter_required(request)
    initial = {
        field: request.GET[key] for key, field in KEEP_FOR_NEXT.items() if key in request.GET
    }
    form = InvitationForm(request.POST or None, inviter=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        invitation = invitation_create(invited_by=request.user, **form.cleaned_data)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        keep = {
            "peran": invitation.role,
            "wilayah": invitation.region_id or "",
            "gedung": invitation.building_id or "",
        }
        return redirect(f"{reverse('invitation_list')}?{urlencode(keep)}")
    invitations = (
        Invitation.objects.in_scope(request.user)
        .select_related("region", "building", "invited_by")
        .order_by("-created_at")
    )
    status = request.GET.get("status", "")
    if status == "pending":
        invitations = invitations.pending()
    elif status == "accepted":
        invitations = invitations.filter(accepted_at__isnull=False)
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/invitation_list.html",
        {"form": form, "upload_form": InvitationUploadForm(), "page": page, "status": status},
    )


# The checked rows of an uploaded sheet wait in the session until the inviter confirms them.
UPLOAD_SESSION_KEY = "invitation_sheet"


@login_required
def invitation_upload(request):
    """Upload a sheet, read the preview of who gets which invitation, then send them all.

    The confirmation checks the stored rows again (the scope or a pending invitation may have
    changed since) and sends nothing if any row fails; a preview is sent once."""
    _inviter_required(request)
    if request.method == "POST" and "confirm" in request.POST:
        return _invitation_upload_confirm(request)
    form = InvitationUploadForm(request.POST or None, request.FILES or None)
    problems, rows = [], []
    if request.method == "POST" and form.is_valid():
        try:
            data = table_read(form.cleaned_data["file"])
        except ValueError as error:  # our reader says what is wrong, and where
            for line in str(error).splitlines():
                form.add_error("file", line)
        else:
            rows, problems = invitations_from_table(inviter=request.user, data=data)
            if rows and not problems:
                return _invitation_upload_preview(request, data, rows)
    return render(
        request,
        "accounts/invitation_upload.html",
        {"form": form, "problems": problems, "rows": rows},
    )


def _invitation_upload_preview(request, data, rows):
    token = secrets.token_urlsafe(16)
    request.session[UPLOAD_SESSION_KEY] = {
        "token": token,
        "user": request.user.pk,
        "headers": list(data.headers),
        "rows": [["" if v is None else str(v) for v in row] for row in data],
        "lines": [sheet_line(data, n) for n in range(1, data.height + 1)],
    }
    preview = [
        {
            **row,
            "what": invitation_role_phrase(Invitation(**row)),
            "notes": invitation_conflicts(
                inviter=request.user, email=row["email"], role=row["role"], short=True
            ),
        }
        for row in rows
    ]
    return render(
        request,
        "accounts/invitation_preview.html",
        {"rows": rows, "problems": [], "preview": preview, "token": token},
    )


def _invitation_upload_confirm(request):
    stored = request.session.get(UPLOAD_SESSION_KEY) or {}
    if stored.get("token") != request.POST.get("confirm") or stored.get("user") != request.user.pk:
        messages.error(request, _("This preview is no longer available: upload the file again."))
        return render(
            request,
            "accounts/invitation_upload.html",
            {"form": InvitationUploadForm(), "problems": [], "rows": []},
        )
    del request.session[UPLOAD_SESSION_KEY]
    data = tablib.Dataset(*stored["rows"], headers=stored["headers"])
    data.sheet_lines = stored["lines"]
    rows, problems = invitations_from_table(inviter=request.user, data=data)
    if problems:
        return render(
            request,
            "accounts/invitation_upload.html",
            {"form": InvitationUploadForm(), "problems": problems, "rows": rows},
        )
    with transaction.atomic():
        created = [invitation_create(invited_by=request.user, **row) for row in rows]
    messages.success(request, _("%(count)d invitations sent.") % {"count": len(created)})
    return redirect("invitation_list")


def _scoped_invitation(request, pk):
    _inviter_required(request)
    return get_object_or_404(Invitation.objects.in_scope(request.user), pk=pk)


def _invitation_action(request, pk, action, done_message):
    # Scope first, method second: outside the scope is a 404 for GET and POST alike.
    invitation = _scoped_invitation(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if invitation.accepted_at:
        messages.error(request, _("This invitation has already been accepted."))
    else:
        action(invitation=invitation)
        messages.success(request, done_message % {"email": invitation.email})
    return redirect("invitation_list")


@login_required
def invitation_resend_view(request, pk):
    return _invitation_action(
        request, pk, invitation_resend, _("A new link was sent to %(email)s.")
    )


@login_required
def invitation_revoke_view(request, pk):
    return _invitation_action(
        request, pk, invitation_revoke, _("Invitation to %(email)s withdrawn.")
    )
