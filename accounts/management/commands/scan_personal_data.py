"""Find (and with --redact, cut out) NIK and KK numbers already stored in any table.

The guard keeps new ones out (accounts.validators); this is for data that got in before it, or
by a path that skipped it: every text and JSON column of every model, the audit log and the
admin log included. A redacted value keeps its row and the rest of its text; only the digits
become "[NIK/KK dihapus]".
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from accounts.validators import contains_nik, nik_redact

TEXT = (models.CharField, models.TextField, models.JSONField)
# Hashes, random tokens and signed data: never text a person wrote (a random token may even
# hold 16 digits by chance).
SKIP = {
    ("accounts", "user", "password"),
    ("accounts", "invitation", "nonce"),
    ("account", "emailconfirmation", "key"),
    ("sessions", "session", "session_data"),
}


def _texts(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def _redacted(value):
    if isinstance(value, str):
        return nik_redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


def personal_data_scan(*, redact: bool = False) -> dict[str, int]:
    """{"app.Model.field": rows holding a NIK-like value}; with `redact`, those values are cut."""
    found: dict[str, int] = {}
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        fields = [
            f
            for f in opts.concrete_fields
            if isinstance(f, TEXT) and (opts.app_label, opts.model_name, f.name) not in SKIP
        ]
        for field in fields:
            rows = model._base_manager.values_list("pk", field.attname)
            hits = []
            for pk, value in rows.iterator(chunk_size=2000):
                if value and any(contains_nik(text) for text in _texts(value)):
                    hits.append((pk, value))
            if not hits:
                continue
            found[f"{opts.label}.{field.name}"] = len(hits)
            if redact:
                with transaction.atomic():
                    for pk, value in hits:
                        # update(), not save(): no signal, no audit row holding the value again.
                        model._base_manager.filter(pk=pk).update(
                            **{field.attname: _redacted(value)}
                        )
    return found


class Command(BaseCommand):
    help = (
        "Find NIK or KK numbers stored in any table (the audit log and admin log included); "
        "--redact replaces them, keeping the rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--redact", action="store_true", help="Replace each NIK-like value in place."
        )

    def handle(self, *args, redact=False, **options):
        found = personal_data_scan(redact=redact)
        for label, count in sorted(found.items()):
            self.stdout.write(f"{label}: {count} row(s)")
        total = sum(found.values())
        if not total:
            self.stdout.write(self.style.SUCCESS("No NIK or KK number found."))
        elif redact:
            self.stdout.write(self.style.SUCCESS(f"Redacted {total} value(s); the rows are kept."))
        else:
            raise CommandError(
                f"{total} value(s) look like a NIK or KK number. Run with --redact to remove them.",
                returncode=1,
            )
