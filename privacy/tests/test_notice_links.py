"""The privacy notice is one tap away wherever a person's data is asked for or shown:
sign-in, sign-up from an invitation, the officer card and the public officer check."""

import pytest
from django.urls import reverse

from invitations.services import invitation_create, invitation_token
from visits.officer_card import card_code
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db

LINK = 'href="/privasi/"'


def test_sign_in_links_the_notice(client):
    assert LINK in client.get(reverse("account_login")).content.decode()


def test_sign_up_from_an_invitation_links_the_notice(client, world):
    invitation = invitation_create(
        invited_by=world.kpu_kota_selatan, email="baru@uji.coklit.id", full_name="Baru",
        role="pengelola", building=world.building_a,
    )  # fmt: skip
    response = client.get(reverse("invitation_accept", args=[invitation_token(invitation)]))
    assert response["Location"] == reverse("account_signup")
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    text = page.content.decode()
    assert LINK in text and 'name="full_name"' in text


def test_the_officer_card_and_its_public_check_link_the_notice(client):
    day = field_day()
    client.force_login(day.pantarlih)
    assert LINK in client.get(reverse("officer_card")).content.decode()
    client.logout()
    check = client.get(
        reverse("officer_check", args=[card_code(day.pantarlih.pk, day.period.ends_on)])
    )
    assert "✓" in check.content.decode() and LINK in check.content.decode()
    assert LINK in client.get(reverse("officer_check_form")).content.decode()


def test_a_link_can_pick_the_language_without_a_cookie(client):
    response = client.get(reverse("privacy_notice"), {"lang": "en"})
    assert (
        "Privacy notice" in response.content.decode() and 'lang="en"' in response.content.decode()
    )
    assert "django_language" not in response.cookies


def test_the_residents_page_links_the_notice_in_its_language(client):
    from lobby.services import public_link_current

    link = public_link_current(field_day().building)
    page = client.get(f"/warga/{link.token}/").content.decode()
    assert 'href="/privasi/?lang=id"' in page
    english = client.get(f"/warga/{link.token}/", {"lang": "en"}).content.decode()
    assert 'href="/privasi/?lang=en"' in english
