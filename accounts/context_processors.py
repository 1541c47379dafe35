from accounts.models import Role

# Roles that read the staff dashboard (everyone whose scope is a region).
DASHBOARD_ROLES = frozenset(
    {Role.KPU_PROVINSI, Role.KPU_KOTA, Role.PPK, Role.PPS, Role.DINAS, Role.BAWASLU}
)


def navigation(request):
    """What the header offers this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_dashboard": user.is_superuser or user.role in DASHBOARD_ROLES}
