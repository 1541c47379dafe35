"""What happened at a building, an access issue or a whole area, in sentences an auditor reads.

Two records feed it: django-auditlog's LogEntry (every change to buildings, towers, units,
managers, assignments, schedules, visits and letters, with who and when; bulk writes add
theirs through accounts.audit) and the access issues' own history (AccessIssueEvent, with the
notes). Each entry becomes one line: "Agus Setiawan menaikkan kendala ke Dinas Perumahan,
03-12 13.50" — the person, the act in words, the object by its name, fields by their labels
and values by their choices, never a model slug or a raw id. A bulk write (a floor of
occupancy, an import) is one line, not one per unit.

KPU and Bawaslu read it, each in their own region (`may_read_timeline`, accounts.scope).
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import groupby

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import TIMELINE_READERS, has_role
from buildings.models import Building, BuildingManager, Tower, Unit, UnitOccupancy
from regions.models import Region
from visits.models import AccessIssue, AccessIssueEvent, Assignment, IssueLetter, Schedule, Visit

# Who reads the timelines: the election commission and its supervisor (issue #16, item 8).

# The records of a building, and the path from each to it. Access issues are told by their
# own history (the events carry the notes), so their LogEntry rows are left out.
BUILDING_PATHS = (
    (Building, "pk"),
    (Tower, "building"),
    (Unit, "tower__building"),
    (UnitOccupancy, "unit__tower__building"),
    (BuildingManager, "building"),
    (Assignment, "building"),
    (Schedule, "building"),
    (Visit, "building"),
    (IssueLetter, "issue__building"),
)

# Bookkeeping fields nobody needs to read in a change.
QUIET_FIELDS = {"id", "created_at", "updated_at", "status_at", "nonce", "last_login", "password"}
# A bulk write of more rows than this is told as one line with a count.
PER_PAGE = 50
PAGES_MAX = 20


@dataclass
class Entry:
    at: datetime.datetime
    text: str
    detail: str = ""
    issue_id: int | None = None

    @property
    def when(self) -> str:
        """ "03-12 13.50", Jakarta time, as the office writes it."""
        return timezone.localtime(self.at).strftime("%d-%m %H.%M")


def may_read_timeline(user) -> bool:
    return has_role(user, TIMELINE_READERS)


def person_name(user: User | None, email: str | None = None) -> str:
    if user is not None:
        return user.full_name or user.email
    return email or _("the system")


# --- The access issues' history ------------------------------------------------------------


def event_sentence(
    event: AccessIssueEvent, *, with_building: bool = False, letter_number: str = ""
) -> str:
    """One step of an issue: "Agus Setiawan menaikkan kendala ke Dinas Perumahan"."""
    Action = AccessIssueEvent.Action
    actor = person_name(event.actor)
    level = AccessIssue.Level(event.level).label
    where = event.issue.building.name if with_building else ""
    if event.action == Action.RAISED:
        if where:
            return _("%(actor)s reported an access issue at %(building)s: %(kind)s") % {
                "actor": actor,
                "building": where,
                "kind": event.issue.get_kind_display(),
            }
        return _("%(actor)s reported the access issue: %(kind)s") % {
            "actor": actor,
            "kind": event.issue.get_kind_display(),
        }
    if event.action == Action.ESCALATED:
        if where:
            return _("%(actor)s moved the access issue at %(building)s up to %(level)s") % {
                "actor": actor,
                "building": where,
                "level": level,
            }
        return _("%(actor)s moved the issue up to %(level)s") % {"actor": actor, "level": level}
    if event.action == Action.LETTER_SENT:
        return _("%(actor)s recorded letter no. %(number)s to the manager as sent") % {
            "actor": actor,
            "number": letter_number,
        }
    texts = {
        Action.COMMENT: _("%(actor)s commented at the %(level)s step"),
        Action.MANAGER_REPLY: _("%(actor)s answered for the building's management"),
        Action.RESOLVED: _("%(actor)s resolved the issue at the %(level)s step"),
        Action.REOPENED: _("%(actor)s reopened the issue at the %(level)s step"),
    }
    text = texts[event.action] % {"actor": actor, "level": level}
    if where:
        text = _("%(text)s (access issue at %(building)s)") % {"text": text, "building": where}
    return text


def issue_timeline(issue: AccessIssue) -> list[Entry]:
    """The issue's steps, oldest first, each a sentence with its note."""
    events = issue.events.select_related("actor", "issue__building").order_by("created_at", "pk")
    number = IssueLetter.objects.filter(issue=issue).values_list("number", flat=True).first()
    return [
        Entry(e.created_at, event_sentence(e, letter_number=number or ""), e.note, issue.pk)
        for e in events
    ]


# --- Changes recorded by django-auditlog -----------------------------------------------------


def _log_filter(buildings) -> Q:
    """LogEntry rows about the buildings of the queryset and everything that still belongs to
    them (a record deleted since is found in the admin's audit log)."""
    types = ContentType.objects.get_for_models(*(model for model, _path in BUILDING_PATHS))
    where = Q()
    for model, path in BUILDING_PATHS:
        ids = (
            buildings.values("pk")
            if path == "pk"
            else model.objects.filter(**{f"{path}__in": buildings.values("pk")}).values("pk")
        )
        where |= Q(content_type=types[model], object_id__in=ids)
    return where


def _person_filter(person: str, actor_path: str) -> Q:
    return Q(**{f"{actor_path}__full_name__icontains": person}) | Q(
        **{f"{actor_path}__email__icontains": person}
    )


class _Values:
    """Field values as people read them: choices by label, yes/no, people and places by name
    (looked up once per page for every id shown)."""

    def __init__(self, entries):
        self.names = {}
        wanted = {}
        for entry in entries:
            model = entry.content_type.model_class()
            for field_name, pair in (entry.changes_dict or {}).items():
                field = _field(model, field_name)
                if field is not None and field.is_relation and field.many_to_one:
                    for value in pair:
                        if str(value).isdigit():
                            wanted.setdefault(field.related_model, set()).add(int(value))
        for model, ids in wanted.items():
            if model is User:
                rows = User.objects.filter(pk__in=ids).only("full_name", "email")
                self.names[model] = {u.pk: u.full_name or u.email for u in rows}
            elif model is Region:
                self.names[model] = dict(
                    Region.objects.filter(pk__in=ids).values_list("pk", "name")
                )
            else:
                self.names[model] = {o.pk: str(o) for o in model.objects.filter(pk__in=ids)}

    def text(self, model, field_name: str, value) -> str:
        field = _field(model, field_name)
        if value in (None, "None", ""):
            return "–"
        if field is None:
            return str(value)
        if field.is_relation and field.many_to_one:
            return (
                self.names.get(field.related_model, {}).get(int(value), f"#{value}")
                if str(value).isdigit()
                else str(value)
            )
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.get_internal_type() in ("FileField", "ImageField"):
            return _("a file")  # its stored name says nothing to a reader
        if field.get_internal_type() == "BooleanField":
            return _("yes") if value in ("True", True) else _("no")
        return str(value)


def _field(model, name):
    """The model's own (concrete) field `name`, or None: a bulk row's own keys (units,
    units_imported, …) or a reverse relation."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — FieldDoesNotExist, or no model at all
        return None
    return field if getattr(field, "concrete", False) else None


_REVERSE = re.compile(r"^\w+\.\w+\.None$")
# "Rizky Ramadhan <rizky@…>" as a user's name is written in records: the name is enough here.
_EMAIL_IN_NAME = re.compile(r"\s*<[^<>\s]+@[^<>\s]+>")


def _noise(name: str, pair) -> bool:
    """Bookkeeping, a reverse relation auditlog wrote down ("visits.Visit.None"), or a value
    saved again unchanged."""
    return (
        name in QUIET_FIELDS
        or len(pair) != 2
        or all(_REVERSE.match(str(value)) for value in pair)
        or _same(*pair)
    )


def _same(before, after) -> bool:
    """Equal, also as numbers ("-6.257" and "-6.257000" are one coordinate)."""
    if str(before) == str(after):
        return True
    try:
        return Decimal(str(before)) == Decimal(str(after))
    except (InvalidOperation, ValueError):
        return False


def _label(model, name: str) -> str:
    field = _field(model, name)
    if field is not None:
        return capfirst(str(field.verbose_name))
    return {
        "units": _("units"),
        "units_imported": _("units imported"),
        "units_updated": _("units updated"),
    }.get(name, name.replace("_", " "))


def _log_sentence(entry: LogEntry, count: int, values: _Values) -> tuple[str, str]:
    """(sentence, detail) of one LogEntry, or of `count` alike rows of one bulk write."""
    model = entry.content_type.model_class()
    actor = person_name(entry.actor, entry.actor_email)
    kind = str(model._meta.verbose_name) if model else entry.content_type.model
    changes = entry.changes_dict or {}
    source = (
        (entry.additional_data or {}).get("file")
        if isinstance(entry.additional_data, dict)
        else None
    )
    what = _EMAIL_IN_NAME.sub("", entry.object_repr)
    args = {"actor": actor, "model": kind, "what": what, "count": count}
    if model is Tower and "units_imported" in changes:
        text = _("%(actor)s imported units into %(what)s: %(new)s new, %(updated)s updated") % {
            **args,
            "new": changes["units_imported"][1],
            "updated": changes.get("units_updated", [0, 0])[1],
        }
        detail = ""
    elif count > 1:
        plural = str(model._meta.verbose_name_plural) if model else kind
        text = {
            LogEntry.Action.CREATE: _("%(actor)s added %(count)s %(models)s"),
            LogEntry.Action.UPDATE: _("%(actor)s changed %(count)s %(models)s"),
            LogEntry.Action.DELETE: _("%(actor)s removed %(count)s %(models)s"),
        }.get(entry.action, _("%(actor)s changed %(count)s %(models)s")) % {
            **args,
            "models": plural,
        }
        detail = _("for example %(what)s") % args
    else:
        text = {
            LogEntry.Action.CREATE: _("%(actor)s added %(model)s %(what)s"),
            LogEntry.Action.UPDATE: _("%(actor)s changed %(model)s %(what)s"),
            LogEntry.Action.DELETE: _("%(actor)s removed %(model)s %(what)s"),
        }.get(entry.action, _("%(actor)s changed %(model)s %(what)s")) % args
        detail = ""
        if entry.action == LogEntry.Action.UPDATE:
            detail = "; ".join(
                f"{_label(model, name)}: {values.text(model, name, pair[0])} → "
                f"{values.text(model, name, pair[1])}"
                for name, pair in changes.items()
                if not _noise(name, pair)
            )
    if source:
        text = _("%(text)s (from the file %(file)s)") % {"text": text, "file": source}
    return text, detail


def _log_entries(rows: list[LogEntry]) -> list[Entry]:
    """Sentences for LogEntry rows, newest first; the rows of one bulk write (same moment,
    person, kind of record and act) make one sentence."""
    values = _Values(rows)
    out = []
    key = lambda e: (e.timestamp, e.actor_id, e.content_type_id, e.action)  # noqa: E731
    for _key, group in groupby(rows, key=key):
        group = list(group)
        text, detail = _log_sentence(group[0], len(group), values)
        out.append(Entry(group[0].timestamp, text, detail))
    return out


# --- Timelines ----------------------------------------------------------------------------------


def timeline(buildings, *, person: str = "", page: int = 1) -> tuple[list[Entry], bool]:
    """(entries of page `page`, whether there are more): the changes and the access issues'
    steps of the buildings of the queryset, newest first, optionally only those of a person
    (any part of their name or email)."""
    page = max(1, min(page, PAGES_MAX))
    wanted = page * PER_PAGE + 1
    logs = (
        LogEntry.objects.filter(_log_filter(buildings))
        .exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    events = AccessIssueEvent.objects.filter(issue__building__in=buildings.values("pk"))
    if person:
        logs = logs.filter(_person_filter(person, "actor"))
        events = events.filter(_person_filter(person, "actor"))
    # A bulk write is many rows: read enough of them to fill the page once grouped.
    entries = _log_entries(list(logs[: wanted * 10]))
    letters = dict(
        IssueLetter.objects.filter(issue__building__in=buildings.values("pk")).values_list(
            "issue_id", "number"
        )
    )
    for event in events.select_related("actor", "issue__building").order_by("-created_at", "-pk")[
        :wanted
    ]:
        entries.append(
            Entry(
                event.created_at,
                event_sentence(
                    event, with_building=True, letter_number=letters.get(event.issue_id, "")
                ),
                event.note,
                issue_id=event.issue_id,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    start = (page - 1) * PER_PAGE
    return entries[start : start + PER_PAGE], len(entries) > start + PER_PAGE
