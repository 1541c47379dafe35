from django.core.management.base import BaseCommand, CommandError

from buildings import totals


class Command(BaseCommand):
    help = (
        "Check every tower's coverage totals (kept by database triggers) against a recount of "
        "its units; with --mend, write the recount over those that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mend", action="store_true", help="repair the towers that differ")

    def handle(self, *args, mend=False, **options):
        found = totals.drift()
        if not found.towers:
            self.stdout.write("Every tower's totals equal a recount of its units.")
            return
        towers = sorted(found.towers)
        self.stdout.write(f"{len(towers)} tower(s) differ from a recount: {towers[:20]}")
        if not mend:
            raise CommandError("Run again with --mend to repair them.")
        totals.mend(towers)
        self.stdout.write(f"Mended {len(towers)} tower(s).")
