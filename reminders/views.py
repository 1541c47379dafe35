from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from reminders import services
from reminders.models import DigestOptOut


@login_required
@require_http_methods(["GET", "POST"])
def digest_optout(request, token):
    """The link in every digest, signed for its recipient and opened signed in as them; a GET
    only asks (mail scanners follow links), the button's POST stops the digests."""
    try:
        pk = signing.loads(token, salt=services.OPTOUT_SALT)
    except signing.BadSignature:
        raise Http404 from None
    if pk != request.user.pk:
        raise Http404
    user = request.user
    if request.method == "POST":
        services.digest_optout(user=user)
    done = DigestOptOut.objects.filter(user=user).exists()
    return render(request, "reminders/digest_optout.html", {"person": user, "done": done})
