"""A mail server that refuses every message: an SMTP outage as the code meets it, installed
with the EMAIL_BACKEND setting instead of by replacing a function inside the code."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    # The messages offered: a test gives it a list of its own (monkeypatch.setattr).
    offered: list | None = None

    def send_messages(self, email_messages):
        if self.offered is not None:
            self.offered.extend(email_messages)
        raise smtplib.SMTPServerDisconnected("gone")
