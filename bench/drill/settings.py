"""Settings of every process of the fault drill: the load test's (production over plain HTTP)
with the production URL conf, whose handler500 answers 503 for a database outage, not /ping's.
"""

import os

from bench.load_settings import *  # noqa: F403

ROOT_URLCONF = "coklit.urls"
EMAIL_BACKEND = "bench.drill.mail.SlowLedgerEmailBackend"

# Phase e's replacement worker takes back a killed worker's unacknowledged message after a few
# seconds, not the production hour.
if os.environ.get("FAULT_DRILL_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": int(os.environ["FAULT_DRILL_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
