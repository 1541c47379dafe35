"""A person's data on request: everything held about one account, and its erasure.

`person_data(user)` gathers every record held about the person: the profile, role history,
invitations, and every row of every model that points at the account (assignments, visits with
the outcomes recorded on them, schedules, access issues and the issues they took part in, ...),
found through the foreign keys so a new model is included without a change here, plus the
audit rows about the account and by it. Other people in it appear as a pseudonym ("KPU Kota
#12"), never by name.

`person_erase(user=..., by=...)` erases an account whose duty has ended: the account and what
points at it keep a pseudonym ("Pantarlih #1234"), so the coverage history stays whole, and the
person's name, email and phone are replaced in every text column of every table, the audit
log included. KPU Provinsi only (privacy/admin.py); both actions leave an audit row.
"""

import datetime
import json
import logging
import re
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import UPDATE, audit_bulk
from accounts.models import Invitation, Role, SentEmail, User
from accounts.spreadsheets import cell_safe
from dashboard.models import ExportJob
from visits.models import AccessIssue, Assignment, OfficerPhoto, Schedule, UnitOutcome

log = logging.getLogger(__name__)

# How a role is named in a pseudonym: the institution's own word, the same in both languages.
PSEUDONYM_ROLE = {
    Role.KPU_PROVINSI: "KPU Provinsi",
    Role.KPU_KOTA: "KPU Kota",
    Role.PPK: "PPK",
    Role.PPS: "PPS",
    Role.DINAS: "Dinas Perumahan",
    Role.BAWASLU: "Bawaslu",
    Role.PENGELOLA: "Pengelola",
    Role.PANTARLIH: "Pantarlih",
}
PHONE_REMOVED = "[nomor dihapus]"
# Secrets and signed data: never in an export, never text a person wrote.
SECRET_FIELDS = {
    ("accounts", "user", "password"),
    ("accounts", "invitation", "nonce"),
    ("account", "emailconfirmation", "key"),
    ("sessions", "session", "session_data"),
}
# Fields of the account the role history follows in the audit log.
ROLE_FIELDS = ("role", "region", "unit_name", "is_active", "is_staff", "is_superuser")
# Fields that hold another person's name or contact: in a copy they read "[another person]"
# unless the row is the person's own (the account, an invitation they received), in the
# records and in the audit rows of changes the person made.
OTHERS_FIELDS = {
    ("accounts", "user"): ("full_name", "email", "phone"),
    ("accounts", "invitation"): ("email", "full_name", "phone"),
}


def pseudonym(user) -> str:
    return f"{PSEUDONYM_ROLE.get(user.role, 'Akun')} #{user.pk}"


def pseudonym_email(user) -> str:
    return f"anonim-{user.pk}@pseudonim.invalid"


# EXPORT


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


# ERASURE


def person_erase_problems(user, *, by) -> list[str]:
    """Why `user` may not be erased yet (empty: the duty has ended)."""
    problems = []
    today = timezone.localdate()
    if user.pk == by.pk:
        problems.append(_("You cannot erase your own account."))
    if user.is_superuser:
        problems.append(_("This is an administrator account: take its administrator rights first."))
    for period in (
        Assignment.objects.filter(pantarlih=user, period__ends_on__gte=today)
        .values_list("period__name", flat=True)
        .distinct()
    ):
        problems.append(_("Still assigned in %(period)s.") % {"period": period})
    for building in user.managed_buildings.values_list("building__name", flat=True):
        problems.append(
            _("Still a manager of %(building)s: remove that link first.") % {"building": building}
        )
    handling = AccessIssue.objects.filter(handled_by=user).exclude(
        status=AccessIssue.Status.RESOLVED
    )
    if handling.exists():
        problems.append(
            _("Handles %(count)s access issue(s) still open: hand them over first.")
            % {"count": handling.count()}
        )
    upcoming = Schedule.objects.filter(
        Q(proposed_by=user) | Q(decided_by=user),
        date__gte=today,
        status__in=[Schedule.Status.PROPOSED, Schedule.Status.CONFIRMED],
    )
    if upcoming.exists():
        problems.append(_("Has %(count)s schedule(s) still to come.") % {"count": upcoming.count()})
    return problems


@dataclass
class Erased:
    pseudonym: str
    replaced: dict[str, int]  # "app.Model.field" → rows where a value was replaced


@dataclass
class _Rule:
    """One value to erase: how it is found in a text, what replaces it, and the plain pieces
    of it a LIKE can look for first."""

    pattern: re.Pattern
    replacement: str
    needles: list[str]


def _word_rule(value: str, replacement: str) -> _Rule:
    # re.escape: the value is matched as literal text, never as a pattern; a whole word only,
    # so erasing "Andi" leaves "Andika" as it is.
    pattern = re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)", re.IGNORECASE)
    return _Rule(pattern, replacement, [value, json.dumps(value)[1:-1]])


def _phone_rule(phone: str) -> _Rule | None:
    """+6281234567890 however it was written: 6281234567890, 081234567890, 0812 3456 7890,
    +62 812-3456-7890."""
    digits = phone.lstrip("+")
    if not digits.startswith("62") or not digits[2:].isdigit() or len(digits) < 8:
        return None
    national = digits[2:]
    separator = r"[\s.\-]?"
    pattern = re.compile(r"(?<!\d)(?:\+?62|0)" + separator + separator.join(national) + r"(?!\d)")
    return _Rule(pattern, PHONE_REMOVED, [national[-4:]])


def _rules(user, invitations) -> list[_Rule]:
    name, email = pseudonym(user), pseudonym_email(user)
    values = {}
    for value in [user.full_name, *(i.full_name for i in invitations)]:
        if value and len(value.strip()) >= 3:
            values[value.strip()] = name
    emails = [user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)]
    for value in [*emails, *(i.email for i in invitations)]:
        if value:
            values[value] = email
    # Longest first: a name inside an email address goes with the address.
    rules = [_word_rule(v, r) for v, r in sorted(values.items(), key=lambda p: -len(p[0]))]
    for phone in {user.phone, *(i.phone for i in invitations)} - {""}:
        rule = _phone_rule(phone)
        if rule:
            rules.append(rule)
    return rules


def _replace(text: str, rules) -> str:
    for rule in rules:
        text = rule.pattern.sub(lambda _m, r=rule.replacement: r, text)
    return text


def _replace_json(value, rules):
    if isinstance(value, str):
        return _replace(value, rules)
    if isinstance(value, dict):
        return {_replace(k, rules): _replace_json(v, rules) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_json(item, rules) for item in value]
    return value


TEXT = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _text_columns():
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        for field in opts.concrete_fields:
            if isinstance(field, TEXT) and (opts.app_label, opts.model_name, field.name) not in (
                SECRET_FIELDS
            ):
                yield model, field


def _scrub(rules) -> dict[str, int]:
    """Replace every value of `rules` in every text column of every table: a LIKE per column
    finds the few rows that may hold one, Python replaces it in them."""
    replaced = {}
    for model, field in _text_columns():
        manager = model._base_manager
        json_field = isinstance(field, models.JSONField)
        column = "_text" if json_field else field.attname
        q = Q()
        for rule in rules:
            for needle in rule.needles:
                q |= Q(**{f"{column}__icontains": needle})
        rows = (
            manager.annotate(_text=Cast(field.attname, models.TextField()))
            if json_field
            else manager
        )
        hits = list(rows.filter(q).values_list("pk", field.attname))
        count = 0
        for pk, value in hits:
            if json_field:
                new = _replace_json(value, rules)
            else:
                new = _replace(value, rules)
                if isinstance(field, models.FileField):
                    new = _file_rename(field, value, new)
                elif new.strip() == PHONE_REMOVED:
                    new = ""  # a phone column holding the number: now empty
                if field.max_length:
                    new = new[: field.max_length]
            if new != value:
                manager.filter(pk=pk).update(**{field.attname: new})
                count += 1
        if count:
            replaced[f"{model._meta.label}.{field.name}"] = count
    return replaced


def _file_rename(field, old: str, new: str) -> str:
    """A stored file whose name held the person's name or email, stored again under the new
    name (the old one goes once the transaction commits)."""
    storage = field.storage
    new = re.sub(r"[^\w./-]+", "-", new)
    try:
        with storage.open(old, "rb") as handle:
            saved = storage.save(new, ContentFile(handle.read()))
    except OSError:
        return new
    transaction.on_commit(lambda: storage.delete(old))
    return saved


def _files_delete_on_commit(storage, names):
    def remove():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                log.warning("erasure: could not delete %s", name)

    transaction.on_commit(remove)


@transaction.atomic
def person_erase(*, user, by) -> Erased:
    """Erase `user`'s name, email and phone everywhere; the records keep a pseudonym."""
    problems = person_erase_problems(user, by=by)
    if problems:
        raise ValueError(" ".join(problems))
    emails = {user.email.lower()} | {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    invitations = list(Invitation.objects.filter(Q(accepted_user=user) | Q(email__in=emails)))
    rules = _rules(user, invitations)
    name, email = pseudonym(user), pseudonym_email(user)
    # update(), not save(): the audit log's own row would copy the old values.
    User.objects.filter(pk=user.pk).update(
        full_name=name, email=email, phone="", is_active=False, password=make_password(None)
    )
    user.groups.clear()
    user.user_permissions.clear()
    with disable_auditlog():
        EmailAddress.objects.filter(user=user).delete()
        never = [i.pk for i in invitations if i.accepted_user_id != user.pk]
        Invitation.objects.filter(pk__in=never).delete()
        Invitation.objects.filter(accepted_user=user).update(email=email, full_name=name, phone="")
        photo = OfficerPhoto.objects.filter(officer=user).first()
        if photo:
            _files_delete_on_commit(photo.photo.storage, [photo.photo.name])
            photo.delete()
        jobs = ExportJob.objects.filter(owner=user)
        _files_delete_on_commit(
            ExportJob._meta.get_field("file").storage,
            [n for n in jobs.values_list("file", flat=True) if n],
        )
        jobs.delete()
    replaced = _scrub(rules)
    audit_bulk(
        User,
        [(user.pk, name, UPDATE, {"privacy": ("", "erased: name, email, phone replaced")})],
        actor=by,
    )
    user.refresh_from_db()
    return Erased(pseudonym=name, replaced=replaced)
