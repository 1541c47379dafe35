from accounts.models import Role


def targets(world, persona, side):
    """A building's audit timeline, for the building outside the persona's scope."""
    user = getattr(world, persona, None)
    if user is not None and user.role in (Role.DINAS, Role.KPU_PROVINSI) and not user.region_id:
        return {}  # province-wide readers: nothing in DKI is outside their dashboard
    return {"dashboard_building_timeline": {"pk": side["building"].pk}}
