"""The attributes every field page's root element carries for static/js/field.js."""

import time

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from visits.views.field import offline_owner

register = template.Library()


@register.simple_tag(takes_context=True)
def field_attrs(context):
    """Where the queue sends, whose queue it is, the server's clock, and where to sign in.

    `data-owner` names the signed-in officer's queue on the phone (an opaque HMAC, the same
    name the service worker keeps pages under): a phone passed to another officer never sends
    or drops the first one's outcomes. `data-now` is the server's clock when the page was
    made, so a phone whose clock is wrong can correct the times it records.
    """
    request = context["request"]
    login = f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
    return format_html(
        'data-sw="{}" data-signout="{}" data-sync="{}" data-owner="{}" data-now="{}" data-login="{}"',
        reverse("field_sw"),
        reverse("account_logout"),
        reverse("field_sync"),
        offline_owner(request.user) if request.user.is_authenticated else "",
        int(time.time() * 1000),
        login,
    )
