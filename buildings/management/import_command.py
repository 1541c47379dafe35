"""The shared body of the `import_buildings` and `import_units` commands."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buildings.imports import dataset_load, import_problems


class ImportCommand(BaseCommand):
    """The shared body of `import_buildings` and `import_units`."""

    import_function = None

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--region",
            metavar="CODE",
            help="accept only rows inside this Kemendagri region, e.g. 31.74",
        )

    def handle(self, *args, path, dry_run, region, **options):
        try:
            dataset = dataset_load(path)
        except (OSError, ValueError) as e:
            raise CommandError(str(e)) from e
        started = time.perf_counter()
        result = self.import_function(dataset=dataset, dry_run=dry_run, region_code=region)
        seconds = time.perf_counter() - started
        problems = import_problems(result)
        if problems:
            shown = "\n".join(problems)
            raise CommandError(
                _("Nothing was imported: %(count)s row(s) refused.\n%(problems)s")
                % {"count": result.totals["invalid"] + result.totals["error"], "problems": shown}
            )
        totals = result.totals
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
