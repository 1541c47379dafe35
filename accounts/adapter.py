from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.validators import validate_no_nik
from core.http import client_ip

# Failed sign-ins for one account, from any address, in this window; past the threshold the
# sign-in page offers the emailed code (nothing is locked: the code path stays open).
HAMMERED_WINDOW_SECONDS = 15 * 60
HAMMERED_AFTER = 20


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in as KPU wants it; nobody signs up here (invitations.adapter opens sign-up to a
    valid invitation)."""

    def clean_email(self, email):
        # Every email form of allauth (sign-up, /akun/email/ for extra addresses) passes here.
        validate_no_nik(email)
        return super().clean_email(email)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # Failed sign-ins are limited per account *and* address (5 per 5 minutes): a stranger
        # guessing an officer's password from elsewhere cannot lock the officer's own phone
        # out. allauth counts per account alone, so anyone could keep an account locked.
        return (
            f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"
        )

    def authentication_failed(self, request, **credentials):
        login = str(credentials.get("email", credentials.get("username", ""))).lower()[:254]
        key = f"login-failures:{login}"
        cache.add(key, 0, timeout=HAMMERED_WINDOW_SECONDS)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr, or the cache is down
            return
        if failures >= HAMMERED_AFTER:
            # Said for any email typed, known or not, so it tells nobody an account exists.
            messages.info(
                request,
                _(
                    "Many failed sign-ins were tried for this email. If it is yours, sign in "
                    "with a code sent to your email instead (below)."
                ),
            )

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")
