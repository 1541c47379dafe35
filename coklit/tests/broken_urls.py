"""The site's URLs and error handler, with one page that fails the way a bug does: how the
tests reach an ordinary server error without patching the internals of a real page."""

from django.urls import path

from coklit.urls import handler500  # noqa: F401 (Django reads it from the URLconf)
from coklit.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("rusak/", broken), *site_urlpatterns]
