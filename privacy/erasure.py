"""Erasing a person whose duty has ended.

`person_erase(user=..., by=...)` erases the account: the account and what points at it keep a
pseudonym ("Pantarlih #1234", privacy/pseudonyms.py), so the coverage history stays whole, and
the person's name, email and phone are replaced in every text column of every table, the audit
log included. KPU Provinsi only (privacy/admin.py); it leaves an audit row.
"""

import json
import logging
import re
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import UPDATE, audit_bulk
from accounts.models import Invitation, User
from dashboard.models import ExportJob
from privacy.pseudonyms import SECRET_FIELDS, pseudonym, pseudonym_email
from visits.models import AccessIssue, Assignment, OfficerPhoto, Schedule

log = logging.getLogger(__name__)

# What a phone number reads as once erased from a text (a phone column is emptied instead).
PHONE_REMOVED = "[nomor dihapus]"


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
        status__in=Schedule.OPEN_STATUSES,
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
