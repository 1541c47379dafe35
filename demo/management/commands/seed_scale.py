"""Jakarta-scale synthetic data for the benchmarks (demo/scale.py): never for a database
anyone uses."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from buildings.models import Building
from demo.scale import scale_seed


class Command(BaseCommand):
    help = "Fill the database with Jakarta-scale synthetic data for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--buildings", type=int, default=2_000)
        parser.add_argument("--towers", type=int, default=6_000)
        parser.add_argument("--units", type=int, default=400_000)
        parser.add_argument("--pantarlih", type=int, default=30_000)
        parser.add_argument("--outcomes", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, **o):
        if not settings.DEBUG and not o["force"]:
            raise CommandError("seed_scale fills a database with synthetic data; use DEBUG=1.")
        if Building.objects.filter(name__startswith="Skala ").exists():
            raise CommandError("This database already holds seed_scale data.")
        started = time.perf_counter()
        rng = random.Random(o["seed"])
        with transaction.atomic():
            counts = scale_seed(rng=rng, **{k: o[k] for k in (
                "buildings", "towers", "units", "pantarlih", "outcomes")})  # fmt: skip
        counts["seconds"] = round(time.perf_counter() - started, 1)
        self.stdout.write(", ".join(f"{k}: {v:,}" for k, v in counts.items()))
