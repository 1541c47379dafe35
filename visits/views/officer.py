"""The officer card a pantarlih shows at the gate, and the public page that checks it.

The check needs no sign-in: a security guard types the short code or scans the QR (which
holds the check URL). It shows name, role, KPU unit, the buildings assigned and the validity,
nothing else (no email, no phone), and answers at most CHECKS_PER_MINUTE per address.
"""

import time

import segno
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from accounts.models import Role, User
from coklit.http import client_ip
from visits.field import current_period
from visits.models import Assignment
from visits.officer_card import BadCode, card_code, card_read, code_normalize

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
    """The pantarlih's card: name, KPU unit, buildings, validity, QR and short code."""
    user = request.user
    period, assignments = _current_assignments(user) if user.role == Role.PANTARLIH else (None, [])
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
            # The address the officer's phone reached, as the QR: right on a demo served on
            # another host or port, and in production (the allowed host, HTTPS via the proxy).
            "check_url": request.build_absolute_uri(reverse("officer_check_form")),
            "expired": period and period.ends_on < timezone.localdate(),
        },
    )


def _rate_limited(request) -> bool:
    """30 checks a minute per client address, counted in the shared cache."""
    key = f"officer-check:{client_ip(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=70)
    try:
        return cache.incr(key) > CHECKS_PER_MINUTE
    except ValueError:  # the key expired between add and incr
        return False


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


def check(request, code):
    """Whether the officer with this code is valid today, and for which buildings."""
    if _rate_limited(request):
        return _too_many(request)
    context = {"typed": code}
    today = timezone.localdate()
    try:
        user_id, valid_until = card_read(code)
    except BadCode:
        context["result"] = "tampered"
        return render(request, "visits/officer_check.html", context, status=404)
    officer = User.objects.filter(pk=user_id, is_active=True, role=Role.PANTARLIH).first()
    if officer is None:
        context["result"] = "unknown"
        return render(request, "visits/officer_check.html", context, status=404)
    context.update(officer=officer, valid_until=valid_until)
    if valid_until < today:
        context["result"] = "expired"
        return render(request, "visits/officer_check.html", context)
    assignments = list(
        Assignment.objects.filter(
            pantarlih=officer, period__starts_on__lte=today, period__ends_on__gte=today
        )
        .select_related("period", "building__kelurahan", "tower")
        .order_by("building__name", "tower__name")
    )
    context.update(result="valid" if assignments else "not_today", assignments=assignments)
    return render(request, "visits/officer_check.html", context)
