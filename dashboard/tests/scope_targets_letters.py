from accounts.models import Role


def targets(world, persona, side):
    """Issue #16's pages: raising an issue from a building, the Dinas reprimand, and the KPU
    Kota office that signs and numbers the letters, for objects outside the persona's scope."""
    user = getattr(world, persona, None)
    if user is not None and user.role in (Role.DINAS, Role.KPU_PROVINSI) and not user.region_id:
        return {}  # province-wide staff: nothing in DKI is outside their scope
    return {
        "dashboard_issue_new": {"pk": side["building"].pk},
        "dashboard_issue_reprimand": {"pk": side["accessissue"].pk},
        "dashboard_letter_office": {"code": side["building"].kelurahan.code[:5]},
    }
