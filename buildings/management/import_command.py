"""The shared body of the `import_buildings` and `import_units` commands."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import SYSTEM_EMAIL, command_actor
from buildings.imports import dataset_load, import_problems


class ImportCommand(BaseCommand):
    """The shared body of `import_buildings` and `import_units`."""

    import_function = None

    def read(self, path):
        """The file as `import_function` takes it (`dataset=`): a tablib Dataset."""
        return dataset_load(path)

    def problems(self, result) -> list[str]:
        """Every refused row of `result`, one readable line per problem."""
        return import_problems(result, limit=None)

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--region",
            metavar="CODE",
            help="accept only rows inside this Kemendagri region, e.g. 31.74",
        )
        parser.add_argument(
            "--actor",
            metavar="EMAIL",
            help="the account the audit trail records as having run the import "
            f"(default: the system account {SYSTEM_EMAIL})",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="write the valid rows and list the refused ones (default: all or nothing)",
        )

    def handle(self, *args, path, dry_run, region, skip_invalid, actor=None, **options):
        try:
            dataset = self.read(path)
        except (OSError, ValueError) as e:
            raise CommandError(str(e)) from e
        # One transaction with the import: a refused file leaves nothing behind, not even the
        # system account it would have been recorded under.
        with transaction.atomic():
            try:
                user = None if dry_run and not actor else command_actor(actor)
            except ValueError as e:
                raise CommandError(str(e)) from e
            started = time.perf_counter()
            result = self.import_function(
                dataset=dataset,
                dry_run=dry_run,
                region_code=region,
                skip_invalid=skip_invalid,
                user=user,
                file_name=Path(path).name,
            )
            seconds = time.perf_counter() - started
            problems = self.problems(result)
            totals = result.totals
            refused = totals["invalid"] + totals["error"]
            if problems and (not skip_invalid or totals["error"]):
                raise CommandError(
                    _("Nothing was imported: %(count)s row(s) refused.\n%(problems)s")
                    % {"count": refused, "problems": "\n".join(problems)}
                )
        if problems:
            self.stderr.write(
                _("%(count)s row(s) refused and skipped:\n%(problems)s")
                % {"count": refused, "problems": "\n".join(problems)}
            )
        self.stdout.write(
            _("%(verb)s %(new)s new, %(update)s updated, %(skip)s unchanged in %(seconds).1f s.")
            % {
                "verb": _("Dry run:") if dry_run else _("Imported:"),
                "new": totals["new"],
                "update": totals["update"],
                "skip": totals["skip"],
                "seconds": seconds,
            }
        )
