import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from reminders import services


class Command(BaseCommand):
    help = (
        "Run the reminder rules for a Jakarta day and send what is new, synchronously "
        "(the same rules beat runs). Replay the 2024 window with --date 2024-06-25."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today in Jakarta)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print who would get what (name, role, subject, first line); claim and send nothing",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        # Worded in the active language: the project's (Indonesian) unless the caller chose one.
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        with transaction.atomic():
            result = services.reminders_run(day=day, dry_run=dry_run)
        if result.period is None:
            self.stdout.write(
                _("%(day)s: no open coklit period, nothing to send.") % {"day": result.day}
            )
            return
        self.stdout.write(
            _("%(day)s (%(period)s): %(due)s due, %(new)s new, %(known)s already in the log.")
            % {
                "day": result.day,
                "period": result.period,
                "due": len(result.due),
                "new": len(result.new),
                "known": len(result.due) - len(result.new),
            }
        )
        if dry_run:
            self._preview(result)
            return
        counts = {}
        for pk in result.to_send:
            outcome, _delay = services.reminder_deliver(log_id=pk)
            counts[outcome] = counts.get(outcome, 0) + 1
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        self.stdout.write(_("Sent: %(summary)s.") % {"summary": summary or _("nothing new")})

    def _preview(self, result):
        """Each reminder as its recipient would read it: who (name, role, area), the subject,
        and the first line of the email."""
        users = User.objects.select_related("region").in_bulk({r.recipient_id for r in result.new})
        for r in result.new:
            user = users.get(r.recipient_id)
            if user is None:
                continue
            who = user.full_name or user.email
            role = user.get_role_display()
            if user.region_id:
                role = f"{role}, {user.region.name}"
            preview = services.reminder_preview(r, user, result.day)
            if preview is None:
                self.stdout.write(
                    _("  nothing to send to %(who)s (%(role)s): its subject is gone")
                    % {"who": who, "role": role}
                )
                continue
            subject, first_line = preview
            self.stdout.write(
                _("  would send to %(who)s (%(role)s) <%(email)s>: %(subject)s")
                % {"who": who, "role": role, "email": user.email, "subject": subject}
            )
            if first_line:
                self.stdout.write(f"      {first_line}")
