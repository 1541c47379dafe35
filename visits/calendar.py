"""Schedules as iCalendar (RFC 5545), written by hand: one event per visit or posko day, for a
phone's calendar ("add to calendar") and for a building's subscribable feed.

Hand-written rather than a library: the format needs only a few lines, escaped and folded as
the RFC says (text escaping of backslash, semicolon, comma and newline; lines of at most 75
octets folded with CRLF and a space; CRLF line ends). Times are written in UTC, so no
VTIMEZONE block is needed and every calendar shows them in its own zone (Jakarta: UTC+7).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from buildings.models import Building
from visits.models import Schedule

PRODID = "-//KPU Provinsi DKI Jakarta//Coklit Hunian Vertikal//ID"
_FEED_SALT = "visits.calendar.feed"


def ics_text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 §3.3.11)."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """A content line folded to 75 octets (§3.1): never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        # The first line holds 75 octets; each continuation starts with a space, so 74 more.
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, time), timezone.get_default_timezone()
    )


def schedule_event(schedule: Schedule, *, host: str, check_url: str) -> list[str]:
    """The VEVENT lines of one schedule (its building and tower already loaded)."""
    building = schedule.building
    where = schedule.tower.name if schedule.tower_id else _("Whole building")
    summary = _("Coklit: %(kind)s – %(building)s, %(where)s") % {
        "kind": schedule.get_kind_display(),
        "building": building.name,
        "where": where,
    }
    description = [
        _("%(kind)s of the KPU voter-data check (coklit) at %(building)s, %(where)s.")
        % {"kind": schedule.get_kind_display(), "building": building.name, "where": where},
        _("Check an officer's card: %(url)s") % {"url": check_url},
    ]
    if schedule.note:
        description.append(schedule.note)
    cancelled = schedule.status == Schedule.Status.CANCELLED
    stamp = schedule.decided_at or schedule.created_at
    lines = [
        "BEGIN:VEVENT",
        f"UID:schedule-{schedule.pk}@{host}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(_at(schedule.date, schedule.start))}",
        f"DTEND:{_utc(_at(schedule.date, schedule.end))}",
        # A change of status is a new version of the event, so a subscribed calendar updates.
        f"SEQUENCE:{1 if cancelled else 0}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{ics_text(summary)}",
        f"LOCATION:{ics_text(', '.join(p for p in (building.name, building.address) if p))}",
        f"DESCRIPTION:{ics_text(chr(10).join(description))}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def schedules_ics(schedules, *, name: str, host: str, check_url: str) -> str:
    """A calendar of the schedules, as the text of an .ics file (CRLF line ends)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    for schedule in schedules:
        lines += schedule_event(schedule, host=host, check_url=check_url)
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


# Which schedules a calendar shows: confirmed ones and those done; a cancelled one stays in a
# feed (as cancelled) so that a calendar which had it removes it.
CALENDAR_STATUSES = Schedule.AGREED_STATUSES
FEED_STATUSES = CALENDAR_STATUSES | {Schedule.Status.CANCELLED}


def feed_token(building: Building) -> str:
    """The secret part of a building's feed address: whoever has the link reads the feed (a
    calendar app cannot sign in). It shows dates, times and towers, never a person."""
    return salted_hmac(_FEED_SALT, str(building.pk), algorithm="sha256").hexdigest()[:32]


def feed_token_valid(building_id: int, token: str) -> bool:
    expected = salted_hmac(_FEED_SALT, str(building_id), algorithm="sha256").hexdigest()[:32]
    return constant_time_compare(expected, token or "")
