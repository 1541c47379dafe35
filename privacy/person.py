"""A person's data on request: everything held about one account.

`person_data(user)` gathers every record held about the person: the profile, role history,
invitations, and every row of every model that points at the account (assignments, visits with
the outcomes recorded on them, schedules, access issues and the issues they took part in, ...),
found through the foreign keys so a new model is included without a change here, plus the
audit rows about the account and by it. Other people in it appear as a pseudonym ("KPU Kota
#12"), never by name (privacy/pseudonyms.py). KPU Provinsi only (privacy/admin.py); each
export leaves an audit row. The erasure of an account is privacy/erasure.py.
"""

import datetime
import json
import re
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_bulk
from accounts.models import Invitation, SentEmail, User
from accounts.spreadsheets import cell_safe

# Still importable from here for privacy/tests/test_demo.py, which moves with the demo builder
# (issue 18); new code imports it from privacy.erasure.
from privacy.erasure import person_erase_problems  # noqa: F401
from privacy.pseudonyms import SECRET_FIELDS, pseudonym
from visits.models import AccessIssue, UnitOutcome

# Fields of the account the role history follows in the audit log.
ROLE_FIELDS = ("role", "region", "unit_name", "is_active", "is_staff", "is_superuser")
# Fields that hold another person's name or contact: in a copy they read "[another person]"
# unless the row is the person's own (the account, an invitation they received), in the
# records and in the audit rows of changes the person made.
OTHERS_FIELDS = {
    ("accounts", "user"): ("full_name", "email", "phone"),
    ("accounts", "invitation"): ("email", "full_name", "phone"),
}


def _user_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is User]


class _Copy:
    """One person's copy while it is written: whose it is, and how everyone else in it is
    named (a pseudonym, never a name, an email or a phone)."""

    def __init__(self, subject):
        self.subject = subject
        addresses = EmailAddress.objects.filter(user=subject).values_list("email", flat=True)
        self.emails = {subject.email.lower()} | {e.lower() for e in addresses}
        self.another = _("[another person]")
        self._people = {}

    def person(self, pk):
        if pk not in self._people:
            self._people[pk] = User.objects.filter(pk=pk).first()
        return self._people[pk]

    def pseudonym_of(self, pk) -> str:
        other = self.person(pk)
        return pseudonym(other) if other else f"#{pk}"

    def own(self, obj) -> bool:
        """Whether a row of OTHERS_FIELDS' models is about the person themself."""
        if isinstance(obj, User):
            return obj.pk == self.subject.pk
        if isinstance(obj, Invitation):
            return obj.accepted_user_id == self.subject.pk or obj.email.lower() in self.emails
        return True

    def named(self, obj) -> str:
        """`obj` as its __str__ names it, with every other account it points at (a visit is
        named after its pantarlih) as a pseudonym."""
        if not self.own(obj):
            return f"{obj._meta.verbose_name} #{obj.pk}"
        text = str(obj)
        for field in _user_fields(type(obj)):
            pk = getattr(obj, field.attname)
            other = self.person(pk) if pk and pk != self.subject.pk else None
            if other:
                for value in (str(other), other.email, other.full_name):
                    if value and len(value) >= 3:
                        text = text.replace(value, pseudonym(other))
        return text


def _value(obj, field, copy):
    value = getattr(obj, field.attname)
    if value is None:
        return None
    if field.is_relation:
        if field.related_model is User:
            if value == copy.subject.pk:
                return _("this person")
            return copy.pseudonym_of(value)
        return f"{copy.named(getattr(obj, field.name))} (#{value})"
    if isinstance(field, models.FileField):
        return value.name or None  # the stored file's name; the file itself is sent on request
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if field.choices and not isinstance(value, bool):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dict | list | bool | int | float | str):
        return value
    return str(value)


def _row(obj, copy) -> dict:
    opts = obj._meta
    hidden = () if copy.own(obj) else OTHERS_FIELDS.get((opts.app_label, opts.model_name), ())
    row = {"id": obj.pk}
    for field in opts.concrete_fields:
        if field.primary_key or (opts.app_label, opts.model_name, field.name) in SECRET_FIELDS:
            continue
        value = _value(obj, field, copy)
        row[field.name] = copy.another if value and field.name in hidden else value
    return row


def _user_links():
    """(model, [its foreign keys to User]) of every model but those read separately (the
    audit log, sign-in addresses)."""
    skip = {LogEntry, EmailAddress, User}
    for model in apps.get_models():
        if model in skip or model._meta.proxy:
            continue
        fields = [
            f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is User
        ]
        if fields:
            yield model, fields


def _audit_shown(entry, copy) -> tuple[str, object]:
    """What an audit row shows of its record and of the changes: of a record that may name
    another person (an account, an invitation, a visit named after its pantarlih), its kind
    and number, and of that person's name, email and phone only that they changed."""
    model = entry.content_type.model_class()
    if model is None or (model is User and entry.object_pk == str(copy.subject.pk)):
        return entry.object_repr, entry.changes
    hidden = OTHERS_FIELDS.get((model._meta.app_label, model._meta.model_name), ())
    if not hidden and not _user_fields(model):
        return entry.object_repr, entry.changes
    if model is User and entry.object_pk.isdigit():
        shown = copy.pseudonym_of(int(entry.object_pk))
    else:
        shown = f"{model._meta.verbose_name} #{entry.object_pk}"
    changes = entry.changes
    if hidden and isinstance(changes, dict):
        changes = {k: copy.another if k in hidden else v for k, v in changes.items()}
    return shown, changes


def _audit_row(entry, copy) -> dict:
    by_person = entry.actor_id == copy.subject.pk
    shown, changes = _audit_shown(entry, copy)
    return {
        "id": entry.pk,
        "at": timezone.localtime(entry.timestamp).isoformat(),
        "action": str(dict(LogEntry.Action.choices).get(entry.action, entry.action)),
        "record": f"{entry.content_type.app_label}.{entry.content_type.model} #{entry.object_pk}",
        "shown_as": shown,
        "changes": changes,
        "by": _("this person")
        if by_person
        else (pseudonym(entry.actor) if entry.actor_id else _("the system")),
        # Another person's network address is theirs, not this person's.
        "address": entry.remote_addr if by_person else None,
    }


@dataclass
class _Source:
    """One section of a person's copy: a queryset of records or of audit rows, or rows made
    by a function (the account itself, the role history)."""

    key: str
    title: str
    records: models.QuerySet | None = None
    audit: models.QuerySet | None = None
    rows: object = None  # a function of the copy (_Copy) returning the rows

    def serialised(self, copy) -> list[dict]:
        if self.records is not None:
            return [_row(obj, copy) for obj in self.records]
        if self.audit is not None:
            return [_audit_row(entry, copy) for entry in self.audit]
        return self.rows(copy)

    def count(self, copy) -> int:
        queryset = self.records if self.records is not None else self.audit
        return queryset.count() if queryset is not None else len(self.rows(copy))


def _role_history(copy, about) -> list[dict]:
    history = []
    for entry in about:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        picked = {name: value for name, value in changes.items() if name in ROLE_FIELDS}
        if picked:
            history.append({**_audit_row(entry, copy), "changes": picked})
    return history


def _sources(user) -> list[_Source]:
    """Every section of `user`'s copy, unevaluated (see the module's docstring)."""
    user_type = ContentType.objects.get_for_model(User)
    about = (
        LogEntry.objects.filter(content_type=user_type, object_pk=str(user.pk))
        .select_related("content_type", "actor")
        .order_by("timestamp", "pk")
    )
    addresses = EmailAddress.objects.filter(user=user).order_by("pk")
    emails = {user.email.lower()} | {e.lower() for e in addresses.values_list("email", flat=True)}
    sources = [
        _Source("account", str(_("Account")), rows=lambda copy: [_row(user, copy)]),
        _Source("email_addresses", str(_("Sign-in addresses")), records=addresses),
        _Source(
            "role_history", str(_("Role history")), rows=lambda copy: _role_history(copy, about)
        ),
        _Source(
            "invitations_received",
            str(_("Invitations received")),
            records=Invitation.objects.filter(Q(accepted_user=user) | Q(email__in=emails)),
        ),
    ]
    for model, fields in _user_links():
        q = Q()
        for name in fields:
            q |= Q(**{name: user})
        records = model._base_manager.filter(q).order_by("pk")
        title = str(model._meta.verbose_name_plural).capitalize()
        if model is Invitation:
            records, title = records.filter(invited_by=user), str(_("Invitations sent"))
        sources.append(_Source(model._meta.label_lower, title, records=records))
    sources += [
        _Source(
            "unit_outcomes",
            str(_("Unit outcomes recorded")),
            records=UnitOutcome.objects.filter(visit__pantarlih=user)
            .select_related("unit__tower", "visit__building", "visit__pantarlih")
            .order_by("recorded_at", "pk"),
        ),
        _Source(
            "issues_taken_part_in",
            str(_("Access issues taken part in")),
            records=AccessIssue.objects.filter(events__actor=user)
            .exclude(raised_by=user)
            .exclude(handled_by=user)
            .distinct()
            .order_by("pk"),
        ),
        _Source(
            "emails_delivered",
            str(_("Emails delivered")),
            records=SentEmail.objects.filter(to__in=emails).order_by("pk"),
        ),
        _Source("audit_about_account", str(_("Audit log: changes to the account")), audit=about),
        _Source(
            "audit_by_person",
            str(_("Audit log: changes made by the person")),
            audit=LogEntry.objects.filter(actor=user)
            .exclude(content_type=user_type, object_pk=str(user.pk))
            .select_related("content_type", "actor")
            .order_by("timestamp", "pk"),
        ),
    ]
    return sources


def person_data(user) -> dict:
    """Everything held about `user`, as JSON-ready sections (see the module's docstring)."""
    copy = _Copy(user)
    return {
        "person": {"id": user.pk, "name": user.full_name, "email": user.email},
        "generated_at": timezone.localtime().isoformat(),
        "sections": [
            {"key": s.key, "title": s.title, "rows": s.serialised(copy)} for s in _sources(user)
        ],
    }


def person_counts(user) -> list[tuple[str, int]]:
    """(section title, records) of each section that holds any: a count per section, for the
    admin's summary page, without reading the records."""
    copy = _Copy(user)
    counted = [(source.title, source.count(copy)) for source in _sources(user)]
    return [(title, n) for title, n in counted if n]


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _display(value) -> str:
    """A cell of the readable copy. Excel opens an HTML table as a sheet, so text that would
    start a formula gets the apostrophe every export gives it (accounts.spreadsheets);
    numbers (a visit's latitude) stay numbers."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if _NUMBER.fullmatch(text) else cell_safe(text)


def person_tables(data: dict) -> list[dict]:
    """The sections as tables for the readable copy: a column per field, a row per record."""
    tables = []
    for section in data["sections"]:
        columns = []
        for row in section["rows"]:
            columns += [key for key in row if key not in columns]
        tables.append(
            {
                "title": section["title"],
                "columns": columns,
                "rows": [[_display(row.get(key)) for key in columns] for row in section["rows"]],
            }
        )
    return tables


def person_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def person_export_audit(*, user, by, fmt: str) -> None:
    """The audit row of an export: who produced whose data, when, in which form."""
    audit_bulk(
        User,
        [(user.pk, str(user), LogEntry.Action.ACCESS, {"privacy": ("", f"export {fmt}")})],
        actor=by,
    )
