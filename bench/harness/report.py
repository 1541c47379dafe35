"""What the benches print and keep: quantiles, timing rows, the load average, the figures file."""

import json
import statistics
from pathlib import Path

from bench.harness import OUT, ROOT


def quantiles(values):
    """(p50, p95, p99) of `values`, rounded to 0.1; (None, None, None) for fewer than two."""
    if len(values) < 2:
        return (None, None, None)
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (round(q[49], 1), round(q[94], 1), round(q[98], 1))


def ms(triple) -> str:
    """A quantiles triple as the tables print it: "1.2 / 3.4 / 5.6", "–" for none."""
    return " / ".join("–" if v is None else f"{v:.1f}" for v in triple)


def median_p95(times: list[float]) -> dict:
    """{"median_ms", "p95_ms"} of a few timed runs (ms); p95 the nearest-rank below it."""
    times = sorted(times)
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1)}  # fmt: skip


def timing_line(label: str, row: dict, width=26, digits=7) -> str:
    """`label  median … ms  p95 … ms  N queries` (the queries when the row counted them)."""
    line = (f"{label:<{width}} median {row['median_ms']:{digits}.1f} ms  "
            f"p95 {row['p95_ms']:{digits}.1f} ms")  # fmt: skip
    return line + (f"  {row['queries']} queries" if "queries" in row else "")


def slowest(queries, *, count=4, width=220):
    """Print the slowest of the captured queries (CaptureQueriesContext), ms and SQL."""
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:count]:
        print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:width]}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def write_figures(name: str, figures: dict, *, note: str = "", **dumps) -> Path:
    """bench/out/<name>.json (git-ignored); prints where it went, after `note`."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, **dumps))
    print(f"\n{note}written to {path.relative_to(ROOT)}")
    return path
