"""The officer card's short code: who the pantarlih is and until when, signed with SECRET_KEY.

The code packs the user id and the card's last valid day (the end of the assignment's
period) with a 40-bit HMAC, in base32: 18 characters a security guard can type
(ABCDEF-GHIJKL-MNOPQR). Guessing a valid code takes ~10^12 tries against a check page that
answers 30 a minute per address. The public check verifies the signature, the date, and
that the officer still holds an assignment open today.
"""

import base64
import datetime
import re
import struct

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "visits.officer_card"
_EPOCH = datetime.date(2020, 1, 1)
_MAC_BYTES = 5
# Letters people confuse with the base32 alphabet's: 0→O, 1→I, 8→B.
_LOOKALIKES = str.maketrans("018", "OIB")


class BadCode(ValueError):
    """The code was mistyped or altered."""


def _mac(payload: bytes) -> bytes:
    return salted_hmac(_SALT, payload, algorithm="sha256").digest()[:_MAC_BYTES]


def card_code(user_id: int, valid_until: datetime.date) -> str:
    payload = struct.pack(">IH", user_id, (valid_until - _EPOCH).days)
    raw = base64.b32encode(payload + _mac(payload)).decode().rstrip("=")
    return "-".join(raw[i : i + 6] for i in range(0, len(raw), 6))


def code_normalize(code: str) -> str:
    """What a person typed ('abcdef ghijkl-mnopqr') as the printed form, or '' if hopeless."""
    raw = re.sub(r"[\s\-]", "", code or "").upper().translate(_LOOKALIKES)
    if not re.fullmatch(r"[A-Z2-7]{18}", raw):
        return ""
    return "-".join(raw[i : i + 6] for i in range(0, 18, 6))


def card_read(code: str) -> tuple[int, datetime.date]:
    """(user id, last valid day) from a code whose signature holds; BadCode otherwise."""
    raw = code_normalize(code).replace("-", "")
    if not raw:
        raise BadCode(code)
    try:
        data = base64.b32decode(raw + "=" * 6)
    except ValueError as error:
        raise BadCode(code) from error
    payload, mac = data[:6], data[6:]
    if not constant_time_compare(mac, _mac(payload)):
        raise BadCode(code)
    user_id, days = struct.unpack(">IH", payload)
    return user_id, _EPOCH + datetime.timedelta(days=days)
