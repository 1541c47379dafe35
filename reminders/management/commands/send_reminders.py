import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reminders import services


class Command(BaseCommand):
    help = (
        "Run the reminder rules for a Jakarta day and send what is new, synchronously "
        "(the same rules beat runs). Replay the 2024 window with --date 2024-06-25."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today in Jakarta)")
        parser.add_argument("--dry-run", action="store_true", help="print, claim and send nothing")

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        with transaction.atomic():
            result = services.reminders_run(day=day, dry_run=dry_run)
        if result.period is None:
            self.stdout.write(f"{result.day}: no open coklit period, nothing to send.")
            return
        self.stdout.write(
            f"{result.day} ({result.period}): {len(result.due)} due, {len(result.new)} new, "
            f"{len(result.due) - len(result.new)} already in the log."
        )
        if dry_run:
            for r in result.new:
                self.stdout.write(f"  would send {r.kind} to user {r.recipient_id} ({r.key})")
            return
        counts = {}
        for pk in result.to_send:
            outcome, _ = services.reminder_deliver(log_id=pk)
            counts[outcome] = counts.get(outcome, 0) + 1
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        self.stdout.write(f"Sent: {summary or 'nothing new'}.")
