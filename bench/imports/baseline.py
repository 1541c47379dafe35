"""PostgreSQL COPY of the same rows the import stored: the yardstick of the import bench."""

import io
import time

# The baseline is the fastest of this many loads.
COPY_REPEATS = 3


class BaselineFailed(Exception):
    """The COPY baseline could not be taken: there is no ratio to give, and the run fails."""

    def __init__(self, message: str, figures: dict):
        super().__init__(message)
        self.figures = figures


def copy_fields(model) -> list:
    """Every column of the model's table but the id, as the model declares them today."""
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def table_columns(table: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def copy_seconds(table: str, columns: list[str], rows: list[tuple]) -> float:
    """Fastest of COPY_REPEATS loads of `rows` into a fresh temporary copy of `table`."""
    from django.db import connection

    data = "".join("\t".join(copy_value(v) for v in row) + "\n" for row in rows)
    target = f"bench_copy_{table}"
    best = None
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor, for copy_expert
        for _ in range(COPY_REPEATS):
            raw.execute(f"DROP TABLE IF EXISTS {target}")
            raw.execute(
                f"CREATE TEMP TABLE {target} (LIKE {table} INCLUDING DEFAULTS "
                "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
            )
            stream = io.StringIO(data)
            start = time.perf_counter()
            raw.copy_expert(f"COPY {target} ({', '.join(columns)}) FROM STDIN", stream)
            seconds = time.perf_counter() - start
            raw.execute(f"SELECT count(*) FROM {target}")
            assert raw.fetchone()[0] == len(rows)
            best = seconds if best is None else min(best, seconds)
        raw.execute(f"DROP TABLE {target}")
    return best


def copy_value(value) -> str:
    """One field in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return text
