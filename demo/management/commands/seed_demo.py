from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.builder import demo_seed


class Command(BaseCommand):
    help = (
        "Load a small demo dataset: six Jakarta complexes, one account per role, a few days of "
        "coklit. Safe to run again: it only creates what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. This creates accounts with a published password.",
        )

    def handle(self, *args, force=False, **options):
        # The demo accounts share a password printed below; they must not appear in production.
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs with "
                "DEBUG=1. Use --force if you really want demo accounts here."
            )
        result = demo_seed()

        if result.created:
            made = ", ".join(f"{count} {name}" for name, count in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {made}."))
        else:
            self.stdout.write("Demo data already present; nothing new created.")

        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {result.password})")
        self.stdout.write("Passwords are set when an account is first created.")
        rows = [("Role", "Email", "Name", "What to look at")] + [
            (a.role.label, a.email, a.full_name, a.look_at) for a in result.accounts
        ]
        widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
        for n, row in enumerate(rows):
            cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3]]))
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in [*widths, len(row[3])]))
