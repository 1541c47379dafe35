"""Logs never carry a password, a session id or a NIK."""

import json
import logging

import pytest

from coklit.logs import JsonFormatter, RedactingFormatter, redact


def _record(message, *args, exc_info=None):
    return logging.LogRecord("coklit", logging.ERROR, __file__, 1, message, args, exc_info)


@pytest.mark.parametrize(
    "text,secret",
    [
        ("login failed: password=rahasia-sekali-123", "rahasia-sekali-123"),
        ('{"password1": "lobi tower jasmine", "email": "a@b.id"}', "lobi"),
        ("Cookie: sessionid=ylkpr76q3zs62wvajwdpc827d34v1ztq; csrftoken=abc", "ylkpr76q3z"),
        ("csrfmiddlewaretoken=Zx9f0a&nama=Budi", "Zx9f0a"),
        ("catatan: NIK warga 3174 0512 0390 0001", "3174 0512 0390 0001"),
        ("KK 3174052406240001 ditolak", "3174052406240001"),
    ],
)
def test_secrets_and_id_numbers_are_redacted(text, secret):
    assert secret not in redact(text)
    assert "[redacted" in redact(text)


def test_phone_numbers_and_ordinary_text_pass_unchanged():
    text = "Pantarlih 0812 3456 7890 di Tower Jasmine lantai 12, unit J-1205"
    assert redact(text) == text


def test_json_lines_are_redacted_including_the_traceback():
    try:
        raise ValueError("bad value 3174051203900001")
    except ValueError:
        import sys

        record = _record("saving %s failed", "password=abc123", exc_info=sys.exc_info())
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "coklit"
    assert "abc123" not in line and "3174051203900001" not in line
    assert "ValueError" in entry["exception"]


def test_the_text_format_is_redacted_too():
    formatter = RedactingFormatter("%(levelname)s %(message)s")
    assert formatter.format(_record("token=%s", "deadbeef")) == "ERROR token=[redacted]"
