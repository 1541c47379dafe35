from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.audit import SYSTEM_EMAIL, audit_context, command_actor
from buildings.models import Tower
from buildings.unit_generator import DEFAULT_NUMBER_FORMAT, units_generate


def _floor_list(value: str) -> list[int]:
    return [int(part) for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = (
        "Generate a tower's units floor by floor, e.g. --tower 12 --units-per-floor 8 "
        "--skip 4,13,14 --format '{tower}-{floor:02d}{unit:02d}'. Existing numbers are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tower", type=int, required=True, help="the tower's id")
        parser.add_argument("--units-per-floor", type=int, required=True)
        parser.add_argument("--first-floor", type=int, default=1)
        parser.add_argument("--last-floor", type=int, help="default: the tower's floor count")
        parser.add_argument("--skip", type=_floor_list, default=[], help="floors without units")
        parser.add_argument("--format", default=DEFAULT_NUMBER_FORMAT, dest="number_format")
        parser.add_argument(
            "--non-residential", action="store_true", help="mark the units as shops or offices"
        )
        parser.add_argument(
            "--actor",
            metavar="EMAIL",
            help="the account the audit trail records as having generated the units "
            f"(default: the system account {SYSTEM_EMAIL})",
        )

    def handle(self, *args, **options):
        try:
            tower = Tower.objects.select_related("building").get(pk=options["tower"])
        except Tower.DoesNotExist:
            raise CommandError(f"No tower with id {options['tower']}.") from None
        # The system account is created with the units, or not at all (a refused pattern).
        try:
            with transaction.atomic():
                actor = command_actor(options.get("actor"))
                with audit_context(actor=actor, command="generate_units"):
                    result = self._generate(tower, actor, options)
        except ValueError as e:
            raise CommandError(str(e)) from e
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        self.stdout.write(
            f"{tower}: {result.created} units created, {result.existing} already there, "
            f"on {len(result.floors)} floors."
        )

    def _generate(self, tower, actor, options):
        return units_generate(
            tower=tower,
            units_per_floor=options["units_per_floor"],
            first_floor=options["first_floor"],
            last_floor=options["last_floor"],
            skip_floors=options["skip"],
            number_format=options["number_format"],
            residential=not options["non_residential"],
            by=actor,
        )
