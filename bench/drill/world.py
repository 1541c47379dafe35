"""The fault drill's data: phones with a tower each, a manager, a sign-in, reminder targets.

Built with the models and the product's own services, never the tests' factories; rows are
made as an import or the admin makes them, so building them sends no notification (each email
the drill counts comes from what a phase does).
"""

import datetime
import itertools
import uuid

from bench.drill import PASSWORD
from bench.harness.client import session_for

DOMAIN = "latihan.coklit.id"
KELURAHAN = "31.74.08.1003"  # Rawajati, Pancoran: the migrations load the region tree
_serial = itertools.count(1)


def user_create(email: str, role: str, **extra):
    """An account that never signs in with a password (the drill hands it a session)."""
    from accounts.models import User

    return User.objects.create_user(email, None, role=role,
                                    full_name=f"Latihan {email.split('@')[0]}", **extra)  # fmt: skip


def building_create(name: str):
    from buildings.models import Building
    from regions.models import Region

    return Building.objects.create(
        name=name, kind=Building.Kind.APARTEMEN, address=f"Jl. Latihan No. {next(_serial)}",
        kelurahan=Region.objects.get(code=KELURAHAN), manager_org="PT Pengelola Latihan",
    )  # fmt: skip


def manager_create(building, email: str):
    from accounts.models import Role
    from buildings.models import BuildingManager

    return BuildingManager.objects.create(
        building=building, user=user_create(email, Role.PENGELOLA)
    )


def assignment_create(period, building, pantarlih, tower=None):
    from visits.models import Assignment

    return Assignment.objects.create(period=period, pantarlih=pantarlih, building=building,
                                     tower=tower, tps=f"{next(_serial) % 999 + 1:03d}")  # fmt: skip


def schedule_create(period, building, proposed_by, date, **extra):
    from visits.models import Schedule

    return Schedule.objects.create(period=period, building=building, proposed_by=proposed_by,
                                   kind=Schedule.Kind.DOOR_TO_DOOR, date=date,
                                   start=datetime.time(9), end=datetime.time(12), **extra)  # fmt: skip


def access_issue_create(building, raised_by):
    from visits.models import AccessIssue

    return AccessIssue.objects.create(
        building=building, raised_by=raised_by, kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Petugas keamanan menolak pantarlih masuk tower.",
    )  # fmt: skip


def period_create():
    from django.utils import timezone

    from visits.models import CoklitPeriod

    today = timezone.localdate()
    return CoklitPeriod.objects.create(name="Latihan gangguan",
                                       starts_on=today - datetime.timedelta(7),
                                       ends_on=today + datetime.timedelta(30))  # fmt: skip


def field_day(period, pantarlih, floors: int, units_per_floor: int) -> dict:
    """A pantarlih assigned to a tower of their own and visiting it since an hour ago (the
    field's visit_start): what a phone needs to submit."""
    from django.utils import timezone

    from buildings.models import Tower, Unit
    from visits import field

    building = building_create(f"Rusun Latihan {next(_serial)}")
    tower = Tower.objects.create(building=building, name=f"Tower {next(_serial)}", floors=floors)
    Unit.objects.bulk_create(
        Unit(tower=tower, floor=f, number=f"{tower.name}-{f:02d}{u:02d}")
        for f in range(1, floors + 1)
        for u in range(1, units_per_floor + 1)
    )
    assignment_create(period, building, pantarlih)
    visit = field.visit_start(pantarlih=pantarlih, client_uuid=uuid.uuid4(), tower=tower,
                              started_at=timezone.now() - datetime.timedelta(hours=1))  # fmt: skip
    assert visit.status == field.STORED, visit.as_json()
    units = Unit.objects.filter(tower=tower).order_by("floor", "number")
    return {"session": session_for(pantarlih), "tower": tower.pk,
            "visit": str(visit.obj.client_uuid), "units": list(units.values_list("pk", flat=True))}  # fmt: skip


def world_create(phones: int, floors=4, units_per_floor=10) -> dict:
    """Phones with a tower each, a manager with a proposal, a sign-in account, reminder targets."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import Role

    today = timezone.localdate()
    period = period_create()
    field = [
        field_day(period, user_create(f"hp{n}@{DOMAIN}", Role.PANTARLIH), floors, units_per_floor)
        for n in range(phones)
    ]
    # A proposer who gets no reminders, so the one email to them is the confirmation's notice.
    proposer = user_create(f"pengusul@{DOMAIN}", Role.PANTARLIH)
    manager = manager_create(building_create("Rusun Latihan Jadwal"), f"pengelola@{DOMAIN}")
    schedule = schedule_create(period, manager.building, proposer, today + datetime.timedelta(3))
    kpu = user_create(f"kpu@{DOMAIN}", Role.KPU_PROVINSI, is_staff=True)
    login = user_create(f"masuk@{DOMAIN}", Role.PANTARLIH)
    issue = access_issue_create(manager.building, login)
    login.set_password(PASSWORD)
    login.save(update_fields=["password"])
    EmailAddress.objects.create(user=login, email=login.email, verified=True, primary=True)
    return {
        "period": period.pk, "phones": field, "proposer": proposer.email,
        "manager": session_for(manager.user), "schedule": schedule.pk, "login": login.email,
        "kpu": kpu.email, "issue": issue.pk, "manager_email": manager.user.email,
        # Addresses of the notifications of phase b: not reminder recipients in phase c.
        "notified": {proposer.email, manager.user.email, login.email, f"diundang@{DOMAIN}"},
        "assign": lambda count, tag: reminder_targets(period, count, tag, proposer),
    }  # fmt: skip


def reminder_targets(period, count: int, tag: str, proposer):
    """`count` buildings with a visit confirmed for tomorrow: a manager and a pantarlih each."""
    from django.utils import timezone

    from accounts.models import Role

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for n in range(count):
        building = building_create(f"Rusun Pengingat {tag} {n}")
        manager_create(building, f"m{tag}{n}@{DOMAIN}")
        assignment_create(period, building, user_create(f"p{tag}{n}@{DOMAIN}", Role.PANTARLIH))
        schedule_create(period, building, proposer, tomorrow, status="confirmed")


def notification_targets(count: int):
    """Phase e's building: `count` managers and the pantarlih who raised an access issue."""
    from accounts.models import Role

    building = building_create("Rusun Latihan Kendala")
    managers = [manager_create(building, f"kendala{n}@{DOMAIN}").user for n in range(count)]
    raiser = user_create(f"pelapor@{DOMAIN}", Role.PANTARLIH)
    return managers, raiser, access_issue_create(building, raiser)
