"""The posters' id-taking URLs for the scope matrix (accounts/tests/test_scope_matrix.py).
The public page's URLs take a token, not an id: they are in that test's PUBLIC."""

from accounts.models import Role


def targets(world, persona, side):
    """URL name → kwargs of an object on the side of the world this persona must not reach."""
    user = getattr(world, persona, None)
    if user is not None and user.role in (Role.DINAS, Role.KPU_PROVINSI) and not user.region_id:
        return {}  # province-wide staff: no building in DKI is outside their posters
    return {
        "residents_poster": {"pk": side["building"].pk},
        "residents_tower_poster": {"pk": side["tower"].pk},
        "residents_link_rotate": {"pk": side["building"].pk},
    }
