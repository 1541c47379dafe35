from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import language_set
from coklit.health import healthz
from coklit.views import home

admin.site.site_header = _("Coklit Hunian Vertikal")
admin.site.site_title = _("Coklit Hunian Vertikal")
admin.site.index_title = _("KPU administration")
# The admin signs in through allauth, so its rate limits and login-by-code cover it too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("akun/", include("allauth.urls")),
    path("i18n/setlang/", language_set, name="set_language"),
    path("dasbor/", include("dashboard.urls")),
    path("portal/", include("portal.urls")),
    path("pengingat/", include("reminders.urls")),
    path("privasi/", include("privacy.urls")),
    path("", include("lobby.urls")),
    path("", include("visits.urls")),
    path("", include("invitations.urls")),
    path("", home, name="home"),
]

# No database read on error pages; a database outage answers 503 (coklit/errors.py).
handler500 = "coklit.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
