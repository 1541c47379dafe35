"""The officer card a pantarlih shows at the gate, and the public page that checks it.

The check needs no sign-in: a security guard types the short code or scans the QR (which
holds the check URL). It shows name, role, KPU unit, the buildings assigned and the validity,
nothing else (no email, no phone), and answers at most CHECKS_PER_MINUTE per address.

The officer's own photo (visits/officer_photo.py) is shown to the officer on the card and, on
the check, only while the code checks as valid today: its address there is the code's, and
it runs the same check and counts against the same limit. No URL serves it by an id.
"""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from core.http import client_ip
from core.ratelimit import limit_exceeded
from visits.field import current_period
from visits.models import Assignment
from visits.officer_card import BadCode, card_code, card_read, code_normalize
from visits.officer_photo import (
    OfficerPhotoForm,
    officer_photo_of,
    officer_photo_remove,
    officer_photo_set,
)
from visits.views.files import _attachment

CHECKS_PER_MINUTE = 30


def _current_assignments(user):
    assignments = list(
        Assignment.objects.in_scope(user)
        .filter(pantarlih=user)
        .select_related("period", "building__kelurahan", "tower")
        .order_by("building__name", "tower__name")
    )
    period = current_period(assignments)
    return period, [a for a in assignments if period and a.period_id == period.pk]


@never_cache
@login_required
def card(request):
    """The pantarlih's card: photo, name, KPU unit, buildings, validity, QR and short code.

    A POST is the officer adding or replacing their own photo."""
    user = request.user
    is_pantarlih = user.role == Role.PANTARLIH
    form, status = None, 200
    if is_pantarlih:
        form = (
            OfficerPhotoForm(request.POST, request.FILES)
            if request.method == "POST"
            else OfficerPhotoForm()
        )
    if request.method == "POST":
        if form is None:
            raise Http404  # only a pantarlih has a card, and so a card photo
        if form.is_valid():
            officer_photo_set(officer=user, photo=form.cleaned_data["photo"], by=user)
            messages.success(
                request, _("Photo saved. It shows on your card and on its check page.")
            )
            return redirect("officer_card")
        status = 400
    period, assignments = _current_assignments(user) if is_pantarlih else (None, [])
    code = qr = None
    if period:
        code = card_code(user.pk, period.ends_on)
        url = request.build_absolute_uri(reverse("officer_check", args=[code]))
        # A viewBox and no fixed size, so the stylesheet scales it and keeps it centred.
        qr = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
        qr = mark_safe(qr)  # noqa: S308 - segno's own markup around a URL it encoded
    return render(
        request,
        "visits/officer_card.html",
        {
            "period": period,
            "assignments": assignments,
            "code": code,
            "qr": qr,
            "photo": officer_photo_of(user) if is_pantarlih else None,
            "photo_form": form,
            # The address the officer's phone reached, as the QR: right on a demo served on
            # another host or port, and in production (the allowed host, HTTPS via the proxy).
            "check_url": request.build_absolute_uri(reverse("officer_check_form")),
            "expired": period and period.ends_on < timezone.localdate(),
        },
        status=status,
    )


@never_cache
@login_required
def card_photo(request):
    """The signed-in officer's own card photo; there is no way to ask for anyone else's."""
    photo = officer_photo_of(request.user)
    if photo is None:
        raise Http404
    return _attachment(photo.photo, "foto-petugas")


@require_POST
@login_required
def card_photo_remove(request):
    if officer_photo_remove(officer=request.user, by=request.user):
        messages.success(request, _("Photo removed from your card."))
    return redirect("officer_card")


def _rate_limited(request) -> bool:
    """30 checks a minute per client address, counted in the shared cache."""
    return limit_exceeded("officer-check", client_ip(request), CHECKS_PER_MINUTE, 60)


def _too_many(request):
    return render(request, "visits/officer_check_limit.html", status=429)


def check_form(request):
    """Type the code from the card; the form sends it to the check page."""
    if _rate_limited(request):
        return _too_many(request)
    typed = request.GET.get("kode", "")
    if typed:
        code = code_normalize(typed)
        if code:
            return redirect("officer_check", code=code)
    return render(
        request,
        "visits/officer_check.html",
        {"typed": typed, "result": "tampered" if typed else ""},
    )


def _officer_check(code) -> dict:
    """What the public check says about a code: its "result" (valid, not_today, expired,
    unknown or tampered) and the officer, the last valid day and today's assignments."""
    today = timezone.localdate()
    try:
        user_id, valid_until = card_read(code)
    except BadCode:
        return {"result": "tampered"}
    officer = User.objects.filter(pk=user_id, is_active=True, role=Role.PANTARLIH).first()
    if officer is None:
        return {"result": "unknown"}
    if valid_until < today:
        return {"result": "expired", "officer": officer, "valid_until": valid_until}
    assignments = list(
        Assignment.objects.filter(
            pantarlih=officer, period__starts_on__lte=today, period__ends_on__gte=today
        )
        .select_related("period", "building__kelurahan", "tower")
        .order_by("building__name", "tower__name")
    )
    return {
        "result": "valid" if assignments else "not_today",
        "officer": officer,
        "valid_until": valid_until,
        "assignments": assignments,
    }


def check(request, code):
    """Whether the officer with this code is valid today, and for which buildings."""
    if _rate_limited(request):
        return _too_many(request)
    context = {"typed": code, **_officer_check(code)}
    if context["result"] in ("tampered", "unknown"):
        return render(request, "visits/officer_check.html", context, status=404)
    if context["result"] == "valid" and officer_photo_of(context["officer"]):
        context["photo_url"] = reverse("officer_check_photo", args=[code_normalize(code)])
    return render(request, "visits/officer_check.html", context)


@never_cache
def check_photo(request, code):
    """The officer's photo for the check page: only while the code checks as valid today."""
    if _rate_limited(request):
        return _too_many(request)
    result = _officer_check(code)
    photo = officer_photo_of(result["officer"]) if result["result"] == "valid" else None
    if photo is None:
        raise Http404
    return _attachment(photo.photo, "foto-petugas")
