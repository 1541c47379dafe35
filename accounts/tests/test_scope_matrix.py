"""Every URL that takes an object id, for every persona: outside the scope is a 404.

The resolver is walked, so a new URL with an id that is not covered here (by an object in
`_targets`, or by a line in PUBLIC or SAME_FOR_EVERYONE saying why not) fails the suite.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.admin_scope import ScopedAdminMixin
from invitations.services import invitation_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Public, signed links: they carry a token, not an id anyone is scoped to. (The card photo on
# the check answers only while the code checks as valid: visits/tests/test_officer_photo.py.)
PUBLIC = {"invitation_accept", "officer_check", "officer_check_photo"}
# The residents' page of a building: a token printed on its lobby poster, no sign-in
# (lobby/tests/test_public_page.py).
PUBLIC |= {"residents_public", "residents_request", "residents_thanks"}
# A building's calendar feed: a calendar app cannot sign in, the token is the key
# (buildings/tests/test_portal_calendar.py: a wrong token, or another building's, is a 404).
PUBLIC |= {"portal_calendar_feed"}

# Admin pages for data that is the same for everyone (the region tree, the coklit periods),
# admin's own plumbing, and the audit log, the notification outbox and the personal-data
# settings (privacy/tests/test_admin.py), which only KPU Provinsi opens (403 for any id).
SAME_FOR_EVERYONE = re.compile(
    r"^admin:(regions_region_|visits_coklitperiod_|auditlog_logentry_|outbox_outboxmessage_"
    r"|privacy_(privacycontact|retentionhold|retentionrun)_"
    r"|view_on_site$"
    r"|app_list$|accounts_user_password_change$)"
)

# Persona → the side of the world it must not reach ("a": Rawajati, Jakarta Selatan;
# "b": Marunda, Jakarta Utara). Staff personas open the admin; the others are sent to sign in.
PERSONAS = {
    "kpu_kota_selatan": "b",
    "kpu_kota_utara": "a",
    "ppk_pancoran": "b",
    "pps_marunda": "a",
    "bawaslu_utara": "a",
    "dinas": "a",
    "manager_a": "b",
    "manager_b": "a",
    "pantarlih_a": "b",
    "visitor": "a",
}


def _id_patterns(resolver=None, prefix="", namespace=None):
    """(qualified name, route) of every URL pattern with a path argument."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _id_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "<" in route and entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), route


def _targets(world, persona):
    """URL name → kwargs of an object this persona must not reach."""
    side = world.side[PERSONAS[persona]]
    # The housing office handles managers' invitations anywhere, but no one else's.
    role = "pantarlih" if persona == "dinas" else "pengelola"
    invitation = invitation_create(
        invited_by=world.kpu_provinsi,
        email=f"calon-{persona}@uji.coklit.id",
        full_name="Calon Petugas",
        role=role,
        region=side["building"].kelurahan if role == "pantarlih" else None,
        building=side["building"],
    )
    targets = {
        "invitation_resend": {"pk": invitation.pk},
        "invitation_revoke": {"pk": invitation.pk},
    }
    objects = {**side, "invitation": invitation}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdminMixin):
            continue
        name = model._meta.model_name
        if name not in objects:
            continue
        for view in ("change", "delete", "history"):
            url_name = f"admin:{model._meta.app_label}_{name}_{view}"
            targets[url_name] = {"object_id": objects[name].pk}
    targets["admin:auth_user_password_change"] = {"id": side["user"].pk}
    # Each app adds the URLs of its own pages in <app>/tests/scope_targets*.py:
    # targets(world, persona, side) -> {url name: kwargs of an object the persona must not reach}.
    for path in sorted(ROOT.glob("*/tests/scope_targets*.py")):
        module = importlib.import_module(f"{path.parts[-3]}.tests.{path.stem}")
        targets.update(module.targets(world, persona, side))
    return targets


def test_every_url_with_an_id_is_in_the_matrix(world):
    covered = set(_targets(world, "visitor")) | PUBLIC
    missing = [
        name
        for name, route in _id_patterns()
        if not route.startswith(("akun/", "i18n/", "media/"))
        and not SAME_FOR_EVERYONE.match(name)
        and name not in covered
    ]
    assert not missing, f"URLs with an id but no scope test: {missing}"
    urls = len(covered) - len(PUBLIC)
    print(f"scope matrix: {urls} URLs × {len(PERSONAS)} personas × GET/POST = {urls * 20} checks")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_object_outside_scope_is_not_found(world, client, persona, method):
    user = None if persona == "visitor" else getattr(world, persona)
    if user is not None:
        client.force_login(user)
    for name, kwargs in _targets(world, persona).items():
        url = reverse(name, kwargs=kwargs)
        response = getattr(client, method)(url)
        if user is None:
            assert response.status_code == 302, url
            assert response["Location"].startswith(("/akun/login/", "/admin/login/")), url
        elif name.startswith("admin:") and not user.is_staff:
            # The admin sends non-staff to its sign-in, the same for every id.
            assert response.status_code == 302, (persona, method, url)
            assert response["Location"].startswith("/admin/login/"), url
        else:
            assert response.status_code == 404, (persona, method, url, response.status_code)


def test_objects_inside_scope_do_open(world, client):
    """The other half of the proof: the 404s above are about scope, not broken pages."""
    client.force_login(world.kpu_kota_selatan)
    for name, kwargs in _targets(world, "kpu_kota_utara").items():
        # (The password page opens for its owner only: test_account_management.py.)
        if name.startswith("admin:") and name.endswith("_change") and "password" not in name:
            assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name


def test_audit_log_opens_only_for_kpu_provinsi(world, client):
    from auditlog.models import LogEntry

    entry = LogEntry.objects.first() or pytest.fail("the world's changes should be audited")
    url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    client.force_login(world.kpu_kota_selatan)
    assert client.get(url).status_code == 403
    client.force_login(world.kpu_provinsi)
    assert client.get(url).status_code == 200


def test_the_notification_outbox_opens_only_for_kpu_provinsi(world, client):
    from outbox.models import OutboxMessage

    row = OutboxMessage.objects.create(task="visits.tasks.schedule_notify", args=[1, "x", 2])
    url = reverse("admin:outbox_outboxmessage_change", args=[row.pk])
    client.force_login(world.kpu_kota_selatan)
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:outbox_outboxmessage_changelist")).status_code == 403
    client.force_login(world.kpu_provinsi)
    assert client.get(url).status_code == 200
    page = client.get(
        reverse("admin:outbox_outboxmessage_changelist"), {"enqueued_at__isnull": "True"}
    )
    assert page.status_code == 200 and b"schedule_notify" in page.content
