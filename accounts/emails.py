"""Every email is a subject / text / HTML trio under templates/emails/, rendered here."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def email_render(template: str, context: dict, language: str | None = None):
    """(subject on one line, text, HTML) of `template`, worded in `language`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html


def email_send(
    *,
    template: str,
    to: str,
    context: dict,
    language: str | None = None,
    message_id: str | None = None,
    once_key: str | None = None,
) -> bool:
    """Send the subject/text/HTML trio of `template`, worded in the recipient's language.

    A `message_id` that stays the same when the same email is sent again lets mail systems
    that deduplicate by Message-ID show one copy (see reminders.services). With `once_key`
    (one notification, e.g. "access_resolved:12:2024-07-01T10:00"), an address that already
    got it is skipped: a task retried after a failure at its 2nd recipient does not send to
    the 1st again. Returns whether a message went out.
    """
    from accounts.models import SentEmail

    once_key = once_key[:200] if once_key else None  # the column's length, looked up as stored
    if once_key and SentEmail.objects.filter(key=once_key, to=to).exists():
        return False
    subject, text, html = email_render(template, context, language)
    headers = {"Message-ID": message_id} if message_id else None
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()
    if once_key:
        SentEmail.objects.get_or_create(key=once_key, to=to)
    return True
