from accounts.roles import REGION_STAFF
from accounts.scope import invitable_roles, region_prefix


def has_dashboard(user) -> bool:
    """Whether /dasbor/ opens for this user: a dashboard role with a region to read."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.role in REGION_STAFF and region_prefix(user) is not None)


def navigation(request):
    """What the header offers this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_dashboard": user.is_superuser or user.role in REGION_STAFF,
        # Staff land on the dashboard (coklit.views.home), which links the invitations.
        "nav_invitations": bool(invitable_roles(user)),
    }
