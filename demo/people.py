"""The demo's people (demo/data/people.py): accounts, managers, assignments, officer photos and
invitations."""

import datetime
import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.audit import audit_context
from accounts.models import Invitation, User
from buildings.models import BuildingManager
from demo.data.people import (
    ACCOUNTS,
    ASSIGNED_BY,
    ASSIGNMENTS,
    DEMO_PASSWORD,
    INVITATIONS,
    INVITED_BY,
    INVITED_TO,
    MANAGERS,
    OFFICER_PHOTOS,
)
from demo.data.places import BUILDINGS
from demo.pictures import portrait
from demo.rows import DemoRows
from invitations.services import INVITATION_DAYS
from regions.models import Region
from visits.models import Assignment, OfficerPhoto
from visits.officer_photo import officer_photo_set


def regions_of_demo() -> dict[str, Region]:
    """The demo's kelurahan and the regions of its accounts, by Kemendagri code."""
    codes = {b.kelurahan for b in BUILDINGS} | {a.region for a in ACCOUNTS if a.region}
    return {r.code: r for r in Region.objects.filter(code__in=codes)}


def accounts_seed(rows: DemoRows, regions: dict[str, Region]) -> None:
    # Hashed once for all accounts: hashing is deliberately slow.
    password_hash = make_password(DEMO_PASSWORD)
    for spec in ACCOUNTS:
        user, created = rows.get_or_create(
            User,
            email=spec.email,
            defaults={
                "full_name": spec.full_name,
                "role": spec.role,
                "region": regions[spec.region] if spec.region else None,
                "unit_name": spec.unit_name,
                "phone": spec.phone,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
            },
        )
        if created:
            user.password = password_hash
            user.save(update_fields=["password"])
        # Sign-in requires a verified address; an invitation link would have verified it.
        rows.get_or_create(
            EmailAddress, user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        rows.users[spec.key] = user


def managers_seed(rows: DemoRows) -> None:
    for user_key, building_key, position in MANAGERS:
        building = rows.buildings[building_key]
        rows.get_or_create(
            BuildingManager,
            user=rows.users[user_key],
            building=building,
            defaults={
                "position": position,
                # Someone may have named another primary contact since the last run.
                "is_primary": not building.managers.filter(is_primary=True).exists(),
            },
        )


def assignments_seed(rows: DemoRows) -> None:
    """The Pilkada 2024 assignments, each recorded by whoever assigns in that building."""
    for user_key, building_key, tower_name, tps in ASSIGNMENTS:
        tower = rows.tower(building_key, tower_name)
        expected = (
            tower.expected_voters
            if tower
            else sum(
                t.expected_voters or 0 for (b, _name), t in rows.towers.items() if b == building_key
            )
        )
        with audit_context(actor=rows.users[ASSIGNED_BY[building_key]]):
            rows.get_or_create(
                Assignment,
                period=rows.period,
                pantarlih=rows.users[user_key],
                building=rows.buildings[building_key],
                tower=tower,
                defaults={"tps": tps, "expected_voters": expected},
            )


def officer_photos_seed(rows: DemoRows) -> None:
    for user_key, background in OFFICER_PHOTOS:
        officer = rows.users[user_key]
        if OfficerPhoto.objects.filter(officer=officer).exists():
            continue  # the officer's own photo, perhaps replaced since the last run
        photo = ContentFile(portrait(background), name="demo.jpg")
        officer_photo_set(officer=officer, photo=photo, by=None)
        rows.created["OfficerPhoto"] += 1


def invitations_seed(rows: DemoRows) -> None:
    """Invitations sent days ago, written as they stand now. (invitation_create would email
    them today, and the demo's outbox and sent mail would gain three messages.)"""
    now = timezone.now()
    building = rows.buildings[INVITED_TO]
    for email, full_name, role, tps, age_days, accepted_key in INVITATIONS:
        sent = now - datetime.timedelta(days=age_days)
        rows.get_or_create(
            Invitation,
            email=email,
            role=role,
            defaults={
                "full_name": full_name,
                "region": building.kelurahan if role == User.Role.PANTARLIH else None,
                "building": building,
                "tps": tps,
                "nonce": secrets.token_hex(16),
                "invited_by": rows.users[INVITED_BY],
                "sent_at": sent,
                "expires_at": sent + datetime.timedelta(days=INVITATION_DAYS),
                "accepted_at": sent + datetime.timedelta(days=1) if accepted_key else None,
                "accepted_user": rows.users[accepted_key] if accepted_key else None,
            },
        )
