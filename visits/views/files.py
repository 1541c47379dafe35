"""Uploaded files — a visit's photo, an access issue's evidence — served by the app, so each
is scoped like the record it belongs to and always sent as an attachment (never rendered
inline from our origin). Production does not serve MEDIA_ROOT any other way."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from accounts.roles import REGION_STAFF, has_role
from visits.models import AccessIssueEvent, Visit


def _attachment(stored, filename: str) -> FileResponse:
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename + Path(stored.name).suffix)


@login_required
def visit_photo(request, pk):
    """A visit's photo: for staff whose region holds the building, and the pantarlih who took
    it (managers see the visit's outcomes, not the officer's photos)."""
    user = request.user
    visits = Visit.objects.in_scope(user)
    if not has_role(user, REGION_STAFF):
        visits = visits.filter(pantarlih=user)
    visit = get_object_or_404(visits, pk=pk)
    return _attachment(visit.photo, f"kunjungan-{visit.pk}")


@login_required
def issue_evidence(request, pk):
    """The evidence of one step of an access issue, for whoever may read the issue."""
    event = get_object_or_404(AccessIssueEvent.objects.in_scope(request.user), pk=pk)
    return _attachment(event.evidence, f"bukti-kendala-{event.issue_id}-{event.pk}")
