from django.core.management.base import BaseCommand

from residents.retention import purge_closed_periods, retention_days


class Command(BaseCommand):
    help = (
        "Erase residents' callback numbers of ended coklit periods and delete the visit "
        "requests of periods closed longer than PRIVACY_RETENTION_DAYS. Beat runs it nightly "
        "as part of apply_retention."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would go; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = purge_closed_periods(dry_run=dry_run)
        verb = "would go" if dry_run else "removed"
        self.stdout.write(f"Retention {retention_days()} days after a period closes; {verb}:")
        for what, n in counts.items():
            self.stdout.write(f"  {what}: {n}")
