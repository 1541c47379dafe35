"""Every email is a subject / text / HTML trio under templates/emails/, rendered here."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def email_send(*, template: str, to: str, context: dict, language: str | None = None) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
