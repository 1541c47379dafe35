"""Django set up for a bench, and the PostgreSQL database it measures.

A bench runs in a throw-away database named after it (created, migrated, dropped at the end)
or, with `--keep DB`, in DB: created and filled once, migrated and reused by later runs.
"""

import os
import sys
import time

from bench.harness import OUT, ROOT


def django_setup(*, environ=None, **defaults):
    """Django set up in this process: `environ` set over the environment, `defaults` only
    where it has no value (DJANGO_SETTINGS_MODULE="coklit.settings", DEBUG="1" …)."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(environ or {})
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()


def run_in_bench_database(connection, args, name: str, run) -> dict:
    """`run(args)` on PostgreSQL, in the kept database (--keep DB, migrated) or in a throw-away
    one named after the benchmark, dropped afterwards."""
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL=postgres://…): the budget is for production.")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.keep:
        _use_kept_database(connection, args)
        return run(args)
    return throwaway(connection, args, name, run)


def throwaway(connection, args, name: str, run) -> dict:
    """`run(args)` in a throw-away copy of the configured database (PostgreSQL, or SQLite in
    /tmp), named after the benchmark and dropped afterwards."""
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"bench_{name}_{os.getpid()}"
        if connection.vendor == "postgresql"
        else f"/tmp/bench_{name}_{os.getpid()}.sqlite3"
    )
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return run(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old, verbosity=0)


def _use_kept_database(connection, args):
    """Point at DB, creating it when it does not exist yet; migrate it either way, so a
    database kept from an older checkout has today's tables."""
    import psycopg2
    from django.core.management import call_command

    admin = psycopg2.connect(dbname="postgres", **_server(connection))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.keep])
        exists = cursor.fetchone()
        if not exists:
            cursor.execute(f'CREATE DATABASE "{args.keep}"')
    admin.close()
    connection.close()
    connection.settings_dict["NAME"] = args.keep
    args.reuse = bool(exists)
    call_command("migrate", verbosity=0)


def _server(connection):
    s = connection.settings_dict
    return {k: v for k, v in {"host": s["HOST"], "port": s["PORT"], "user": s["USER"],
                              "password": s["PASSWORD"]}.items() if v}  # fmt: skip


def database_url(settings_dict) -> str:
    """DATABASE_URL of a connection's database, for a server started beside this process."""
    s = settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return (f"postgres://{s['USER'] or ''}{password}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")  # fmt: skip


def scale_seed_or_reuse(args) -> float:
    """Fill the database with seed_scale (unless a kept one is reused), then ANALYZE it."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    if not getattr(args, "reuse", False):
        call_command(
            "seed_scale",
            buildings=args.buildings,
            towers=args.towers,
            units=args.units,
            pantarlih=args.pantarlih,
            outcomes=args.outcomes,
        )
    seed_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return seed_seconds


def estimated_rows(connection, table: str) -> int:
    """PostgreSQL's estimate of a table's rows (instant, where count(*) reads the table)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        return int(cursor.fetchone()[0])


def scale_options(parser, **defaults):
    """seed_scale's sizes as command-line options (Jakarta scale unless `defaults` say less)."""
    sizes = {"buildings": 2_000, "towers": 6_000, "units": 400_000, "pantarlih": 30_000,
             "outcomes": 1_000_000} | defaults  # fmt: skip
    for name, default in sizes.items():
        parser.add_argument(f"--{name}", type=int, default=default)
