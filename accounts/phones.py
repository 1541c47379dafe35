"""Phone numbers in one Indonesian format (+62…), so tel: and WhatsApp links work everywhere."""

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from lokal import parse_phone


def normalize_phone(value: str) -> str:
    """'0812 3456 7890', '+62 812-3456-7890' → '+6281234567890'; '' stays ''."""
    value = (value or "").strip()
    if not value:
        return ""
    parsed = parse_phone(value)
    if not parsed.valid:
        raise ValidationError(
            _("%(value)s is not an Indonesian phone number (e.g. 0812 3456 7890)."),
            code="phone",
            params={"value": value},
        )
    return parsed.e164


def whatsapp_number(value: str) -> str:
    """The digits wa.me wants (no plus), or '' for a landline."""
    parsed = parse_phone(value) if value else None
    return parsed.whatsapp or "" if parsed and parsed.valid else ""


def whatsapp_link(text: str = "", phone: str = "") -> str:
    """A wa.me link: to `phone` (as 62…) when it has WhatsApp, else to whoever the sender
    picks; with `text` prefilled. "" when there is neither a number nor a text."""
    number = whatsapp_number(phone)
    if not number and not text:
        return ""
    return f"https://wa.me/{number}" + (f"?text={quote(text, safe='')}" if text else "")


def phone_field_clean(value: str, field: str) -> str:
    """normalize_phone for a model's clean(): the error is attached to the field."""
    try:
        return normalize_phone(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
