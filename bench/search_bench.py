"""Search benchmark at Jakarta scale: server time of /dasbor/cari/ (issue 15).

Builds a throw-away PostgreSQL database, fills it with `seed_scale` (2,000 buildings, 6,000
towers, 400,000 units by default), gives a few buildings real names and every building a
managing organisation (seed_scale's are "Skala 0001" and blank), then requests the search page
through Django's test client as KPU Provinsi (all of DKI) and as a KPU Kota, for exact,
misspelt, address, region and no-match queries, and prints median and p95 server time and the
queries each ran, with the plan of the building query.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/search_bench.py [--outcomes 0] [--runs 30] [--keep DB]

Budget (issue 15): under 300 ms. Figures also go to bench/out/search_bench.json.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness.database import (  # noqa: E402
    django_setup,
    run_in_bench_database,
    scale_options,
    scale_seed_or_reuse,
)
from bench.harness.report import median_p95, write_figures  # noqa: E402

REAL_NAMES = ["Kalibata City", "Kalibata Residences", "Rusunawa Marunda", "Rusunawa Pulo Gebang",
              "Green Pramuka City", "Apartemen Mediterania Garden"]  # fmt: skip
QUERIES = {
    "exact name": "Kalibata City",
    "misspelt": "Kalibta",
    "two words, lower case": "kalibata city",
    "2,000 names match": "Skala",
    "2,000 addresses match": "Jl. Skala",
    "managing organisation": "PT Pengelola 17",
    "region name": "Pancoran",
    "no match": "zzqx",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    scale_options(parser)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", metavar="DB", help="seed into DB and keep it (or reuse it)")
    args = parser.parse_args()

    django_setup(DJANGO_SETTINGS_MODULE="coklit.settings", DEBUG="1")
    from django.db import connection

    figures = run_in_bench_database(connection, args, "search", run)
    write_figures("search_bench", figures)


def _realistic_names():
    """Real names on the first buildings, an organisation on every one (once per database)."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Cast, Concat, Mod

    from buildings.models import Building

    first = list(Building.objects.filter(name__startswith="Skala ").order_by("pk")[:6])
    for building, name in zip(first, REAL_NAMES, strict=False):
        Building.objects.filter(pk=building.pk).update(name=name)
    Building.objects.filter(manager_org="").update(
        manager_org=Concat(Value("PT Pengelola "), Cast(Mod(F("pk"), 200), CharField()))
    )


def run(args) -> dict:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from accounts.scope import region_prefix
    from dashboard.search import site_search
    from regions.models import Region

    seed_seconds = scale_seed_or_reuse(args)
    print(f"seed_scale: {seed_seconds:.0f} s\n")
    _realistic_names()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    settings.DEBUG = False
    users = {
        "KPU Provinsi": User.objects.filter(email="bench.search@skala.coklit.id").first()
        or User.objects.create_user(
            "bench.search@skala.coklit.id", None, role=Role.KPU_PROVINSI, full_name="Bench"
        ),
        "KPU Kota Jakarta Selatan": User.objects.filter(email="bench.kota@skala.coklit.id").first()
        or User.objects.create_user(
            "bench.kota@skala.coklit.id",
            None,
            role=Role.KPU_KOTA,
            full_name="Bench Kota",
            region=Region.objects.get(code="31.74"),
        ),
    }
    figures = {"seed_seconds": round(seed_seconds, 1), **vars(args), "pages": {}}
    for who, user in users.items():
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        for label, query in QUERIES.items():
            client.get("/dasbor/cari/", {"q": query})  # warm caches
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get("/dasbor/cari/", {"q": query})
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (query, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/dasbor/cari/", {"q": query})
            with transaction.atomic():  # as the request runs it (ATOMIC_REQUESTS)
                results = site_search(user=user, prefix=region_prefix(user), query=query)
            row = {
                "query": query,
                **median_p95(times),
                "queries": len(queries),
                "buildings": len(results.buildings),
                "regions": len(results.regions),
                "first": results.buildings[0].building.name if results.buildings else None,
            }
            figures["pages"][f"{who}: {label}"] = row
            print(f"{who[:12]:<12} {label:<24} median {row['median_ms']:6.1f} ms  p95 "
                  f"{row['p95_ms']:6.1f} ms  {row['queries']} queries  {row['buildings']:>2} "
                  f"found, first: {row['first']}")  # fmt: skip
    # The plan of the building query, to see the trigram indexes at work.
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            site_search(user=users["KPU Provinsi"], prefix="31", query="Kalibta")
    sql = next(q["sql"] for q in queries.captured_queries if "buildings_building" in q["sql"]
               and "WORD_SIMILARITY" in q["sql"])  # fmt: skip
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', '0.5', true)")
        cursor.execute("EXPLAIN ANALYZE " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    figures["plan"] = plan
    print("\n".join(["", "Plan of the building query (Kalibta, all of DKI):", *plan]))
    return figures


if __name__ == "__main__":
    main()
