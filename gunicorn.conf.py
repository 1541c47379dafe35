"""gunicorn's settings for production. `gunicorn coklit.wsgi` reads this file from the working
directory; command-line flags, GUNICORN_CMD_ARGS and WEB_CONCURRENCY override it.

Sync workers, two per core plus one: every request here is CPU work in Django and PostgreSQL
(bench/load_test.py: a submission is ~10 ms of worker CPU, ~3 ms of PostgreSQL), so threads
only add GIL contention, and a spare worker keeps the cores busy while another waits for the
database. Measured on 2 cores: 5 sync workers stored 155 outcomes/s, 3 sync workers 118/s,
3 gthread workers × 4 threads 127/s. The HTTPS proxy in front buffers slow phones.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
