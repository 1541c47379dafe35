"""What the benchmarks and the fault drill share, so each script holds only what it measures.

- `database`: Django set up for a bench; the throw-away or kept PostgreSQL database; seed_scale.
- `server`: processes with a log (gunicorn, Celery workers); gunicorn on a free port.
- `services`: a private PostgreSQL cluster and a private Redis, as the fault drill breaks them.
- `client`: one HTTP request as a phone or a browser sends it; its CSRF pair; a session.
- `cpu`: CPU per part (gunicorn, PostgreSQL, Redis, this process) sampled over a phase.
- `report`: quantiles and timing rows, the load average, the figures file in bench/out/.
- `outcomes`: every outcome sent stored once, every unit's running totals equal to a recount.

The harness builds its data with product code and seed_scale, never with the tests' factories;
and nothing under `*/tests/` imports bench/ (the CI fault test has its own helpers).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
PYTHON = ROOT / ".venv" / "bin" / "python"
