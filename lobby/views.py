"""The building's public page (no sign-in, no cookie), the request form on it, and the lobby
posters that lead there (signed in: the building's managers and staff of its region).

The public pages are rendered without the site's base template: that one carries the
language switch's CSRF token, which would set a cookie. The request form is protected by a
signed token in a hidden field (lobby.public.form_token) and by limits per address and
per building instead, so it works without any cookie.
"""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.roles import LINK_ROTATORS, POSTER_PRINTERS, has_role
from buildings.models import Building, Tower
from core.http import client_ip
from core.ratelimit import limit_exceeded
from lobby.forms import VisitRequestForm
from lobby.public import form_token, form_token_valid, progress_today, schedules_ahead
from lobby.services import (
    period_open_today,
    public_link_current,
    public_link_rotate,
    visit_request_submit,
)
from residents.models import PublicLink, token_normalize

# Limits of the public pages. Views: generous, a carrier's NAT puts many phones behind one
# address. Requests: a household asks once or twice; a building's budget stops a flood from
# burying its pantarlih's list, whoever sends it.
VIEWS_PER_MINUTE_PER_ADDRESS = 60
REQUESTS_PER_HOUR_PER_ADDRESS = 10
REQUESTS_PER_HOUR_PER_BUILDING = 200

# Where residents check their own registration: KPU's public DPT check.
DPT_CHECK_URL = "https://cekdptonline.kpu.go.id/"
# How long a rendered public page is served again as it is (and may be kept by a browser).
PAGE_CACHE_SECONDS = 60


def _language(request) -> str:
    """Indonesian unless the page was asked in English (?lang=en): chosen by the address,
    not a cookie, and not by the phone's settings (many are set to English)."""
    return "en" if request.GET.get("lang") == "en" else "id"


def _public(request, template, context, status=200):
    language = _language(request)
    with translation.override(language):
        response = render(
            request, template, {**context, "lang": language, "lang_query": _lang_query(language)}
        )
    return _headers(response, language, status)


def _headers(response, language, status):
    response.status_code = status
    response["Content-Language"] = language
    if status == 200:
        # The same for everyone (progress is frozen for the day): any cache may keep it.
        response["Cache-Control"] = f"public, max-age={PAGE_CACHE_SECONDS}"
    return response


def _lang_query(language: str) -> str:
    return "?lang=en" if language == "en" else ""


def _too_many(request, retry_after: int):
    response = _public(request, "residents/limit.html", {}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _link(request, token) -> PublicLink:
    link = (
        PublicLink.objects.select_related("building__kelurahan")
        .filter(token=token_normalize(token), building__active=True)
        .first()
    )
    if link is None:
        raise Http404
    return link


def _not_found(request):
    return _public(request, "residents/not_found.html", {}, status=404)


def _outdated(request, link):
    current = public_link_current(link.building)
    address = request.build_absolute_uri(reverse("residents_public", args=[current.token]))
    return _public(
        request,
        "residents/outdated.html",
        {"building": link.building, "address": address, "current": current},
        status=410,
    )


def _page_context(request, link, form=None):
    building = link.building
    towers = list(Tower.objects.filter(building=building).order_by("name"))
    period = period_open_today()
    if form is None and period is not None:
        initial = {"token": form_token(link, timezone.localdate())}
        tower = request.GET.get("tower", "")
        if tower.isdigit() and any(t.pk == int(tower) for t in towers):
            initial["tower"] = int(tower)
        form = VisitRequestForm(building=building, towers=towers, initial=initial)
    return {
        "building": building,
        "link": link,
        "progress": progress_today(building),
        "day": timezone.localdate(),
        "schedules": schedules_ahead(building),
        "period": period,
        "form": form,
        "dpt_check_url": DPT_CHECK_URL,
    }


def public_page(request, token):
    """The building's page for its residents, reached from the lobby poster's QR code."""
    if limit_exceeded("residents-view", client_ip(request), VIEWS_PER_MINUTE_PER_ADDRESS, 60):
        return _too_many(request, 60)
    try:
        link = _link(request, token)
    except Http404:
        return _not_found(request)
    if link.retired_at is not None:
        return _outdated(request, link)
    # The page is the same for everyone, so a poster scanned by a whole tower in the evening
    # is rendered once a minute, not once a scan (the shared cache: Redis in production).
    language, tower = _language(request), request.GET.get("tower", "")[:12]
    key = f"residents-page:{link.token}:{language}:{tower}:{timezone.localdate().isoformat()}"
    body = cache.get(key)
    if body is not None:
        return _headers(HttpResponse(body), language, 200)
    response = _public(request, "residents/public.html", _page_context(request, link))
    cache.set(key, response.content, PAGE_CACHE_SECONDS)
    return response


# No CSRF cookie: the form's own signed token and the limits stand in (module docstring).
@csrf_exempt
@require_POST
def request_visit(request, token):
    """ "Belum didatangi? Minta kunjungan". Answered the same whatever the unit's status and
    whether someone asked before: the answer must not tell anyone about the unit."""
    if limit_exceeded("residents-request", client_ip(request), REQUESTS_PER_HOUR_PER_ADDRESS, 3600):
        return _too_many(request, 3600)
    try:
        link = _link(request, token)
    except Http404:
        return _not_found(request)
    if link.retired_at is not None:
        return _outdated(request, link)
    period = period_open_today()
    if period is None:
        url = reverse("residents_public", args=[link.token])
        return redirect(f"{url}{_lang_query(_language(request))}")
    building = link.building
    towers = list(Tower.objects.filter(building=building).order_by("name"))
    language = _language(request)
    with translation.override(language):
        form = VisitRequestForm(request.POST, building=building, towers=towers)
        valid = form.is_valid()
        stale = valid and not form_token_valid(link, form.cleaned_data["token"])
        if stale:
            form.add_error(
                None,
                _("This page was opened too long ago. Open it again and send the form once more."),
            )
    if not valid or stale:
        context = _page_context(request, link, form=form)
        return _public(request, "residents/public.html", context, status=400)
    if limit_exceeded("residents-building", str(building.pk), REQUESTS_PER_HOUR_PER_BUILDING, 3600):
        return _too_many(request, 3600)
    data = form.cleaned_data
    visit_request_submit(
        period=period,
        unit=data["unit"],
        best_time=data["best_time"],
        note=data["note"],
        callback_phone=data["phone"] if data["callback"] else "",
    )
    url = reverse("residents_thanks", args=[link.token])
    return redirect(f"{url}{_lang_query(language)}", permanent=False)


def thanks(request, token):
    try:
        link = _link(request, token)
    except Http404:
        return _not_found(request)
    return _public(request, "residents/thanks.html", {"building": link.building, "link": link})


# --- Posters (signed in) -------------------------------------------------------------------


def _poster_building(request, pk) -> Building:
    if not has_role(request.user, POSTER_PRINTERS):
        raise Http404
    return get_object_or_404(
        Building.objects.in_scope(request.user).select_related("kelurahan"), pk=pk, active=True
    )


def _qr(url: str) -> str:
    # A viewBox and no fixed size, so the poster's stylesheet sizes it.
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    return mark_safe(svg)  # noqa: S308 - segno's own markup around a URL it encoded


def _poster(request, building, tower=None):
    link = public_link_current(building, by=request.user)
    address = request.build_absolute_uri(reverse("residents_public", args=[link.token]))
    qr_url = f"{address}?tower={tower.pk}" if tower else address
    schedules = [
        s for s in schedules_ahead(building) if tower is None or s.tower_id in (None, tower.pk)
    ][:4]
    return render(
        request,
        "residents/poster.html",
        {
            "building": building,
            "tower": tower,
            "towers": Tower.objects.filter(building=building).order_by("name"),
            "link": link,
            "address": address,
            "short_address": address.split("://", 1)[-1].rstrip("/"),
            "qr": _qr(qr_url),
            "qr_url": qr_url,
            "check_address": request.build_absolute_uri(reverse("officer_check_form"))
            .split("://", 1)[-1]
            .rstrip("/"),
            "schedules": schedules,
            "may_rotate": has_role(request.user, LINK_ROTATORS),
        },
    )


@login_required
def poster(request, pk):
    """The building's A4 lobby poster: print it from the browser."""
    return _poster(request, _poster_building(request, pk))


@login_required
def tower_poster(request, pk):
    """A tower's own poster, for a tower with a lobby of its own."""
    if not has_role(request.user, POSTER_PRINTERS):
        raise Http404
    tower = get_object_or_404(
        Tower.objects.in_scope(request.user).select_related("building__kelurahan"),
        pk=pk,
        building__active=True,
    )
    return _poster(request, tower.building, tower)


@login_required
def link_rotate(request, pk):
    """A new public address for the building; posters printed before now say so."""
    building = _poster_building(request, pk)
    if not has_role(request.user, LINK_ROTATORS):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    public_link_rotate(building=building, by=request.user)
    messages.success(
        request,
        _("New address made. Print the posters again: the old ones now say they are outdated."),
    )
    return redirect("residents_poster", pk=building.pk)
