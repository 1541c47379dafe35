"""The fault drill's SMTP server: slow on purpose, and keeping a ledger of what it delivered."""

import json
import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class SlowLedgerEmailBackend(BaseEmailBackend):
    """A test SMTP server: FAULT_DRILL_SMTP_SECONDS per message, one JSON line per delivery.

    FAULT_DRILL_SMTP_ACCEPT=early writes the line (the server has the message) before the wait,
    as when the server answered 250 and the worker has not yet marked the reminder sent.
    """

    def send_messages(self, messages):
        delay = float(os.environ.get("FAULT_DRILL_SMTP_SECONDS", "0"))
        early = os.environ.get("FAULT_DRILL_SMTP_ACCEPT") == "early"
        for message in messages:
            if not early:
                time.sleep(delay)
            line = json.dumps({"to": message.to, "subject": message.subject, "pid": os.getpid(),
                               "message_id": message.extra_headers.get("Message-ID")})  # fmt: skip
            with open(os.environ["FAULT_DRILL_LEDGER"], "a") as ledger:
                ledger.write(line + "\n")
            if early:
                time.sleep(delay)
        return len(messages)
