"""Every URL that takes an object id, for every persona: outside the scope is a 404.

The resolver is walked, so a new URL with an id that is not listed in OUTSIDE (or, for a
public link such as the invitation token, in PUBLIC) makes this suite fail.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.invitations import invitation_create

pytestmark = pytest.mark.django_db

# URL names whose argument is not an object id in anyone's scope: public, signed links.
PUBLIC = {"invitation_accept"}

# Namespaces whose id-taking URLs are covered by their own scope tests or take no object id.
OTHER_NAMESPACES = {"admin"}


def _id_patterns(resolver=None, prefix="", namespace=None):
    """(qualified name, route) of every URL pattern with a path argument."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _id_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if re.search(r"<|\(\?P<", route) and entry.name:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), route


def _objects_outside(world, persona_name):
    """For each URL name: kwargs of an object the persona must not reach."""
    # Personas whose world is building B reach into A; the others reach into B.
    inside_b = persona_name in {"kpu_kota_utara", "pps_marunda", "bawaslu_utara", "manager_b"}
    building = world.building_a if inside_b or persona_name == "visitor" else world.building_b
    # The housing office may handle managers' invitations anywhere, but no one else's.
    role = "pantarlih" if persona_name == "dinas" else "pengelola"
    invitation = invitation_create(
        invited_by=world.kpu_provinsi,
        email=f"calon-{persona_name}@uji.coklit.id",
        full_name="Calon Petugas",
        role=role,
        region=building.kelurahan if role == "pantarlih" else None,
        building=building,
    )
    return {
        "invitation_resend": {"pk": invitation.pk},
        "invitation_revoke": {"pk": invitation.pk},
    }


# What each persona must not see, and the building it lies in.
PERSONAS = [
    "kpu_kota_utara",
    "pps_marunda",
    "bawaslu_utara",
    "manager_a",
    "manager_b",
    "pantarlih_a",
    "dinas",
    "visitor",
]


def test_every_url_with_an_id_is_in_the_matrix(world):
    covered = set(_objects_outside(world, "visitor")) | PUBLIC
    missing = [
        name
        for name, route in _id_patterns()
        if name.split(":")[0] not in OTHER_NAMESPACES
        and not route.startswith(("akun/", "i18n/", "media/"))
        and name not in covered
    ]
    assert not missing, f"URLs with an id but no scope test: {missing}"
    size = (len(covered) - len(PUBLIC)) * len(PERSONAS) * 2
    print(f"scope matrix: {len(covered) - len(PUBLIC)} URLs × {len(PERSONAS)} personas × 2")
    print(f"methods = {size} checks")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_object_outside_scope_is_not_found(world, client, persona, method):
    user = None if persona == "visitor" else getattr(world, persona)
    if user is not None:
        client.force_login(user)
    for name, kwargs in _objects_outside(world, persona).items():
        url = reverse(name, kwargs=kwargs)
        response = getattr(client, method)(url)
        if user is None:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("account_login")), url
        else:
            assert response.status_code == 404, (persona, method, url)
