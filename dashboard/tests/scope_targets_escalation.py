from accounts.models import Role


def targets(world, persona, side):
    """The escalation and scheduling pages for the issue and schedules outside the persona's scope."""
    user = getattr(world, persona, None)
    if user is not None and user.role in (Role.DINAS, Role.KPU_PROVINSI) and not user.region_id:
        return {}  # province-wide staff: nothing in DKI is outside their scope
    return {
        "dashboard_issue": {"pk": side["accessissue"].pk},
        "dashboard_issue_letter": {"pk": side["accessissue"].pk},
        "dashboard_schedule": {"pk": side["schedule"].pk},
        "dashboard_building_schedules": {"pk": side["building"].pk},
    }
