import functools

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from accounts.models import Role


class RoleSessionMiddleware:
    """Staff sessions end after 30 idle minutes; a pantarlih's phone stays signed in all day.

    The staff expiry is renewed on every request (which saves the session), so it measures
    idleness; the field session is fixed at sign-in and not extended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.role == Role.PANTARLIH:
                if "field_session" not in request.session:
                    request.session["field_session"] = True
                    request.session.set_expiry(settings.FIELD_SESSION_SECONDS)
            else:
                request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Indonesian unless the user chose English with the switcher (cookie, else account).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones in
    Jakarta are set to English; the interface should still open in Indonesian.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        codes = {code for code, _name in settings.LANGUAGES}
        user = getattr(request, "user", None)
        if chosen not in codes and user is not None and user.is_authenticated:
            chosen = user.language  # chosen on another device (accounts.views.language_set)
        translation.activate(chosen if chosen in codes else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreForSignedInMiddleware:
    """Signed-in pages carry personal data: no browser or proxy may keep a copy.

    Except a response of a view marked `no_store_exempt`, which holds no data and keeps its
    own Cache-Control.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        exempt = getattr(response, "no_store_exempt", False)
        if user is not None and user.is_authenticated and not exempt:
            response["Cache-Control"] = "no-store"
        return response


def no_store_exempt(view):
    """Leave this view's responses out of NoStoreForSignedInMiddleware: only for what holds no
    personal data, like the field pages' service worker. With `no-store` the browser keeps no
    copy, so it cannot revalidate one (If-None-Match, answered 304): Chromium then downloads
    the whole script at every update check, signed in or not."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.no_store_exempt = True
        return response

    return wrapped


class PermissionsPolicyMiddleware:
    """No page may use the camera, microphone, location or payment APIs, except the field pages
    (`/lapangan/`), which take a visit's location and a lobby photo on the officer's phone."""

    CLOSED = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"
    FIELD = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        field = request.path.startswith("/lapangan/")
        response.setdefault("Permissions-Policy", self.FIELD if field else self.CLOSED)
        return response
