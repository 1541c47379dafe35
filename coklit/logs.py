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


class DatabaseOutageFilter(logging.Filter):
    """A request answered 503 because the database did not answer is one warning line.

    During a restart every request in flight fails the same way; Django logs each at ERROR with
    a full traceback, which buries whatever else happened. The line keeps the error's text.
    """

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 503 and isinstance(error, _database_down()):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = f"{record.getMessage()} (database unavailable: {str(error).strip()[:200]})"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


def _database_down():
    from coklit.errors import DATABASE_DOWN

    return DATABASE_DOWN
