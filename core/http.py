"""The client's address as the app should count it, behind the production proxy."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request.

    Behind TRUSTED_PROXY_COUNT proxies that each append to X-Forwarded-For, the client is the
    entry that many places from the end: entries further left were written by the client
    itself and cannot be trusted. With no proxy (or a header too short to have passed through
    them), the connection's own address. allauth's sign-in limits read the same setting.
    """
    count = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("x-forwarded-for", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count and hops[-count]:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")
