"""gunicorn's settings for production. `gunicorn coklit.wsgi` reads this file from the working
directory; command-line flags, GUNICORN_CMD_ARGS and WEB_CONCURRENCY override it.

Sync workers, two per core plus one. Every request here is CPU work in Django and PostgreSQL
(bench/load_test.py: an outcome submission is ~10 ms of server CPU, a batch of 50 ~28 ms),
so threads add GIL contention and nothing else: on 2 cores 3 gthread workers × 4 threads
stored 127 outcomes/s, sync workers 140–175/s. Between 3 and 7 sync workers the saturation
throughput is the same within the run-to-run noise (±15%); the spare workers keep submissions
flowing while a slow page (the province dashboard, up to a second) holds one. The HTTPS proxy
in front buffers slow phones, which sync workers need.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))


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
