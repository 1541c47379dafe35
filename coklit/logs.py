"""Logging configuration helpers: one JSON object per line, with secrets and NIKs removed.

Whatever reaches a log line — a message, its arguments, a traceback — passes through
`redact` last, so a password, a session id, a CSRF token or a 16-digit NIK/KK number typed
into a form never lands in the logs.
"""

import json
import logging
import re

_SECRET_VALUES = re.compile(
    r"(?i)(password\d?|passwd|sessionid|session_key|csrftoken|csrfmiddlewaretoken|secret|token)"
    r"(['\"]?\s*[:=]\s*['\"]?)([^'\"&;,\s}]+)"
)
# 16 digits, plainly or in groups: the shape of a NIK or a KK number.
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){15}(?!\d)")


def redact(text: str) -> str:
    text = _SECRET_VALUES.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    return _SIXTEEN_DIGITS.sub("[redacted-16-digits]", text)


class RedactingFormatter(logging.Formatter):
    """The usual text format, redacted (development)."""

    def format(self, record):
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line (production), redacted."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None:
            entry["method"] = getattr(request, "method", None)
            entry["path"] = getattr(request, "path", None)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))
