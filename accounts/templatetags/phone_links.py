"""Phone numbers that are tapped, and "Bagikan ke WhatsApp": one helper for every page.

    {% load phone_links %}
    {% phone_links user.phone %}                   → +6281… as tel: and WhatsApp links
    {% phone_links contact.phone text=message %}   → the WhatsApp link with the text prefilled
    {% whatsapp_share message phone=contact.phone %} → a "Share on WhatsApp" button
    {{ phone|tel_href }}, {% whatsapp_href message phone %} → the bare links

Numbers are written as people typed them in older rows; the links always use +62… / 62…
(accounts.phones). A landline gets the call link only; a share without a number lets the
sender choose the chat.
"""

from django import template
from django.core.exceptions import ValidationError

from accounts.phones import normalize_phone, whatsapp_link, whatsapp_number

register = template.Library()


def _normal(phone) -> str:
    try:
        return normalize_phone(str(phone or ""))
    except ValidationError:
        return ""


@register.filter
def tel_href(phone) -> str:
    number = _normal(phone)
    return f"tel:{number}" if number else ""


@register.simple_tag
def whatsapp_href(text: str = "", phone: str = "") -> str:
    return whatsapp_link(str(text or ""), str(phone or ""))


@register.inclusion_tag("_phone_links.html")
def phone_links(phone, text: str = "") -> dict:
    number = _normal(phone)
    return {
        "shown": number or phone,
        "tel": f"tel:{number}" if number else "",
        "wa": whatsapp_link(str(text or ""), number) if whatsapp_number(number) else "",
    }


@register.inclusion_tag("_whatsapp_share.html")
def whatsapp_share(text: str, phone: str = "") -> dict:
    return {"href": whatsapp_link(str(text or ""), str(phone or ""))}
