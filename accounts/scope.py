"""Who may see what: the one place where a user's scope becomes a query.

Every view and admin page fetches domain objects through the `in_scope(user)` queryset
methods, which all come down to `building_q`: staff see the buildings of their region (a
Kemendagri code prefix, so "inside this kota" is an indexed prefix test), a manager the
buildings they run, a pantarlih the buildings they are assigned to. Anything else sees
nothing, and an object outside the scope is a 404 — never a 403 that confirms it exists.
"""

from django.db.models import Q

from accounts.roles import PROVINCE_LEVEL, READ_ONLY, REGION_STAFF, Role

DKI_JAKARTA = "31"


def region_prefix(user) -> str | None:
    """The Kemendagri code prefix a staff user works in, or None for non-region roles.

    KPU Provinsi (and a housing office or Bawaslu user without a region) sees all of DKI.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role not in REGION_STAFF:
        return None
    if user.region_id is None:
        # Only province-level roles may work without a region; others see nothing until given one.
        if user.role in PROVINCE_LEVEL:
            return DKI_JAKARTA
        return None
    return user.region.code


def building_q(user, path: str = "") -> Q:
    """A filter on Building reachable at `path` (e.g. "building__" from a Visit).

    Matches nothing when the user has no scope.
    """
    nothing = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active:
        return nothing
    if user.is_superuser:
        return Q()
    prefix = region_prefix(user)
    if prefix is not None:
        return Q(**{f"{path}kelurahan__code__startswith": prefix})
    # Subqueries rather than joins, so a building never comes back twice.
    # Reverse relations (BuildingManager.user, Assignment.pantarlih): accounts imports neither.
    if user.role == Role.PENGELOLA:
        return Q(**{f"{path}pk__in": user.managed_buildings.values("building_id")})
    if user.role == Role.PANTARLIH:
        return Q(**{f"{path}pk__in": user.assignments.values("building_id")})
    return nothing


def can_edit(user) -> bool:
    """Whether the user may change domain data at all (within their scope)."""
    return user.is_authenticated and user.is_active and user.role not in READ_ONLY


# Who may invite whom. The invitee's region or building must also lie inside the inviter's.
_INVITABLE = {
    Role.KPU_PROVINSI: set(Role),
    Role.KPU_KOTA: {Role.PPK, Role.PPS, Role.PENGELOLA, Role.PANTARLIH},
    Role.PPK: {Role.PPS, Role.PENGELOLA, Role.PANTARLIH},
    Role.PPS: {Role.PENGELOLA, Role.PANTARLIH},
    Role.DINAS: {Role.PENGELOLA},
}


# Who may manage whose account (edit role, region, active; send a password reset link). The
# one rule for the admin and every view: an institution never manages an account of another
# (only KPU Provinsi touches Dinas Perumahan and Bawaslu accounts), and nobody sets another
# person's password - they send a reset link, so the owner chooses it (docs/accounts.md).
_MANAGEABLE = {
    Role.KPU_PROVINSI: set(Role),
    Role.KPU_KOTA: {Role.PPK, Role.PPS, Role.PENGELOLA, Role.PANTARLIH},
}


def account_manageable(actor, target) -> bool:
    """Whether `actor` may change `target`'s account (never its password: see above)."""
    if not actor.is_authenticated or not actor.is_active or actor.pk == target.pk:
        return False
    if target.is_superuser and not actor.is_superuser:
        return False
    if actor.is_superuser:
        return True
    if target.role not in _MANAGEABLE.get(actor.role, set()):
        return False
    from accounts.models import User

    return User.objects.in_scope(actor).filter(pk=target.pk).exists()


def invitable_roles(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Role)
    return _INVITABLE.get(user.role, set())


def region_in_scope(user, region) -> bool:
    prefix = "" if user.is_superuser else region_prefix(user)
    return prefix is not None and region is not None and region.code.startswith(prefix)
