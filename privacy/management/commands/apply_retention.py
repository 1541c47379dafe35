"""manage.py apply_retention [--dry-run] [--language en]: what the nightly job does, by hand.

With --dry-run nothing changes: it lists, period by period, what would go. Run it after a
backup is restored, before anyone uses the restored data (docs/operations.md, backups).
"""

import re
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.retention import KINDS, RESIDENT_KINDS, RetentionReport, retention_apply


def _plain(text: str) -> str:
    """Text typed in the admin (a period's or building's name, a hold's reason) on one line,
    without control characters: a terminal obeys those (clearing it, retitling it), and a line
    break would let the text forge a line of the report."""
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in str(text))
    return re.sub(r"\s+", " ", text).strip()


def report_lines(report: RetentionReport) -> list[str]:
    """The report as readable lines, in the active language."""
    head = (
        _("Dry run: nothing was changed. This would be removed:")
        if report.dry_run
        else _("Removed:")
    )
    lines = [
        head,
        ngettext(
            "Rule: %(days)s day after a coklit period closes (PRIVACY_RETENTION_DAYS).",
            "Rule: %(days)s days after a coklit period closes (PRIVACY_RETENTION_DAYS).",
            report.days,
        )
        % {"days": report.days},
    ]
    if not report.periods:
        lines.append(_("No coklit period has been closed that long; nothing is due."))
    for period in report.periods:
        closed = ngettext(
            "closed %(end)s, %(days)s day ago",
            "closed %(end)s, %(days)s days ago",
            period.closed_days,
        ) % {"end": period.period.ends_on.isoformat(), "days": period.closed_days}
        lines.append(f"{_plain(period.period.name)} ({closed}):")
        if period.held:
            lines.append(
                "  " + _("held, nothing removed: %(reason)s") % {"reason": _plain(period.held)}
            )
            continue
        if not period.counts:
            lines.append("  " + _("nothing left to remove"))
        for kind, label in KINDS.items():
            if not period.counts[kind]:
                continue
            line = f"  {label}: {period.counts[kind]}"
            buildings = period.by_building.get(kind)
            if buildings:
                line += (
                    " ("
                    + ", ".join(f"{_plain(b)}: {n}" for b, n in sorted(buildings.items()))
                    + ")"
                )
            lines.append(line)
    for period, due in report.waiting:
        lines.append(
            _("%(period)s (last day %(end)s): nothing removed yet; retention applies from %(due)s.")
            % {
                "period": _plain(period.name),
                "end": period.ends_on.isoformat(),
                "due": due.isoformat(),
            }
        )
    if report.residents:
        lines.append(_("Residents' page:"))
        found = [
            f"  {RESIDENT_KINDS.get(key, key)}: {n}"
            for key, n in sorted(report.residents.items())
            if n
        ]
        lines += found or ["  " + _("nothing left to remove")]
    lines.append(_("Units, outcomes and the counts per building and per day are kept."))
    return lines


class Command(BaseCommand):
    help = (
        "Remove what coklit periods closed longer than PRIVACY_RETENTION_DAYS no longer need: "
        "visit photos and positions, notes outside access issues, evidence files, callback "
        "numbers, invitations never accepted. --dry-run only lists it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the report (id or en).",
        )

    def handle(self, *args, dry_run=False, language=None, **options):
        report = retention_apply(dry_run=dry_run)
        with translation.override(language):
            for line in report_lines(report):
                self.stdout.write(line)
