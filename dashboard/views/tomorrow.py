"""The "Besok" page: at 21:00 the night before, what tomorrow holds in the user's area and what
still needs someone to act (dashboard/tomorrow.py reads it)."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.fields import EARLIEST, LATEST
from accounts.phones import whatsapp_link
from accounts.scope import DKI_JAKARTA
from buildings.models import Building
from dashboard.tomorrow import tomorrow_read
from dashboard.views.coverage import _prefix
from dashboard.views.scheduling import may_plan
from progress.figures import clock_for
from regions.models import Region
from visits.models import Schedule
from visits.schedules import schedule_date_passed

# A Kemendagri code of DKI Jakarta: the province, a kota, a kecamatan or a kelurahan.
REGION_CODE = re.compile(r"31(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")


def _today(request) -> tuple[datetime.date, str]:
    """Today in Jakarta, or the day given as ?tanggal=YYYY-MM-DD (to replay a night before)."""
    value = request.GET.get("tanggal", "")
    if value:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None and EARLIEST <= day < LATEST:
            return day, value
        messages.error(
            request,
            _("“%(value)s” is not a date between 2000 and 2100 (YYYY-MM-DD); showing tomorrow.")
            % {"value": value[:40]},
        )
    return timezone.localdate(), ""


def _region(request, prefix: str, choices: dict[str, Region]) -> tuple[str, str]:
    """The region asked for as ?wilayah=<code> (the user's whole area by default), and its name.

    A real region outside the user's area is a 404, as on every dashboard page; a code that
    names no region is said so, and the whole area is shown.
    """
    value = request.GET.get("wilayah", "").strip()
    code = value or prefix
    if value and REGION_CODE.fullmatch(value):
        if not value.startswith(prefix):
            raise Http404
        if value == DKI_JAKARTA or value in choices:
            return value, choices[value].name if value in choices else "DKI Jakarta"
        region = Region.objects.filter(code=value).first()
        if region is not None:
            return value, region.name
    if value:
        messages.error(
            request,
            _("“%(value)s” is not a region code in your area (e.g. 31.74.08); showing all of it.")
            % {"value": value[:40]},
        )
        code = prefix
    name = choices[code].name if code in choices else "DKI Jakarta"
    return code, name


def _whatsapp(number: str, schedule) -> str:
    """A wa.me link to the building's contact with the message already written, or ''."""
    if not number:
        return ""
    values = {
        "building": schedule.building.name,
        "date": schedule.date.strftime("%d-%m-%Y"),
        "start": schedule.start.strftime("%H.%M"),
        "end": schedule.end.strftime("%H.%M"),
    }
    if schedule.status == Schedule.Status.PROPOSED:
        text = _(
            "Good evening. About coklit at %(building)s tomorrow, %(date)s, %(start)s–%(end)s: "
            "could you confirm it, or propose another time?"
        )
    else:
        text = _(
            "Good evening. A reminder: coklit at %(building)s tomorrow, %(date)s, "
            "%(start)s–%(end)s. Please let security know."
        )
    return whatsapp_link(text % values, number)


@login_required
def tomorrow(request):
    prefix = _prefix(request)
    # The areas to choose from: kota and kecamatan, and kelurahan in a kecamatan's own scope.
    levels = [Region.Level.KOTA, Region.Level.KECAMATAN]
    if len(prefix) >= 8:
        levels.append(Region.Level.KELURAHAN)
    choices = {
        r.code: r
        for r in Region.objects.filter(code__startswith=prefix, level__in=levels).order_by("code")
    }
    code, region_name = _region(request, prefix, choices)
    today, day = _today(request)
    tomorrow_day = today + datetime.timedelta(days=1)
    buildings = Building.objects.in_scope(request.user).filter(kelurahan__code__startswith=code)
    found = tomorrow_read(buildings, tomorrow_day, clock_for(tomorrow_day).period)
    planner = may_plan(request.user)
    for row in found.waiting:
        # The KPU side answers a manager's proposal here, while its day has not passed.
        row.may_confirm = (
            planner and not row.manager_answers and not schedule_date_passed(row.schedule)
        )
    for row in found.waiting + found.confirmed:
        row.whatsapp = _whatsapp(row.contact["wa"], row.schedule)
    return render(
        request,
        "dashboard/tomorrow.html",
        {
            "found": found,
            "code": code,
            "region_name": region_name,
            "choices": list(choices.values()),
            "prefix": prefix,
            "today": today,
            "day": day,
            "planner": planner,
        },
    )
