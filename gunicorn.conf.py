"""gunicorn's settings for production. `gunicorn coklit.wsgi` reads this file from the working
directory; command-line flags, GUNICORN_CMD_ARGS and WEB_CONCURRENCY override it.

Sync workers, two per core plus one. Every request here is CPU work in Django and PostgreSQL
(bench/load_test.py, 4 December 2026: a submission ~4 ms of server CPU, a batch of 50 ~10 ms),
so threads add GIL contention and nothing else: on 2 cores 3 gthread workers × 4 threads
stored 127 outcomes/s, sync workers 140–175/s. Between 3 and 7 sync workers the saturation
throughput is the same within the run-to-run noise (±15%); the spare workers keep submissions
flowing while a slower page (a kota dashboard, 60–90 ms) holds one. The HTTPS proxy
in front buffers slow phones, which sync workers need.

The garbage collector is told which objects live as long as the worker: once after Django is
loaded and again after the worker's first `GC_FREEZE_AFTER` requests (when URL resolvers,
templates and translations have been built), everything alive is moved out of its sight
(`gc.freeze`). A full collection then walks only what requests create. At Jakarta scale
(bench/load_test.py's database, dashboards of every level, in-process) a worker holds ~140,000
tracked objects; a full collection took 54 ms unfrozen, 15 ms frozen after start-up and 2.6 ms
frozen after warm-up, and the slowest of 600 kota pages went from 93 to 39 ms.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
GC_FREEZE_AFTER = 100  # requests a worker serves before what it has built is frozen


def freeze_long_lived():
    """Collect, then move every object still alive into the permanent generation."""
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    """Open the Celery broker connection as each worker starts (Django is loaded by then).

    The first task a worker queues otherwise pays ~100 ms of Celery and connection-pool setup
    inside a manager's request. If Redis is down the worker starts anyway: what it would queue
    waits in the outbox (outbox.services) until the sweep.
    """
    try:
        from coklit.celery import app

        with app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=1, interval_start=0)
    except Exception as error:  # noqa: BLE001 — any broker trouble only costs the warm-up
        worker.log.warning("Celery broker not warmed: %s", error)
    freeze_long_lived()


def post_request(worker, req, environ, resp):
    """Freeze once more after warm-up; `worker.nr` counts the requests this worker served (a
    request whose app failed to load is not counted, yet still calls this hook: hence the flag)."""
    if worker.nr == GC_FREEZE_AFTER and not getattr(worker, "gc_frozen_warm", False):
        worker.gc_frozen_warm = True
        freeze_long_lived()
