from accounts.models import Role


def targets(world, persona, side):
    """The dashboard's pages for the region and building outside the persona's scope."""
    user = getattr(world, persona, None)
    if user is not None and user.role in (Role.DINAS, Role.KPU_PROVINSI) and not user.region_id:
        return {}  # province-wide readers: nothing in DKI is outside their dashboard
    return {
        "dashboard_region": {"code": side["building"].kelurahan.code},
        "dashboard_building": {"pk": side["building"].pk},
        "dashboard_tower": {"pk": side["tower"].pk},
        "dashboard_at_risk": {"code": side["building"].kelurahan.code},
    }
