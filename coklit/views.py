from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from accounts.context_processors import has_dashboard
from accounts.models import User
from accounts.scope import invitable_roles, region_prefix
from buildings.models import Building, Unit


@login_required
def home(request):
    """Where everyone lands after signing in: staff on their dashboard, a manager in the portal,
    a pantarlih on today's assignments; anyone else sees their role, area and buildings."""
    if has_dashboard(request.user):
        return redirect("dashboard")
    if request.user.role == User.Role.PANTARLIH and request.user.assignments.exists():
        return redirect("field_today")
    if request.user.role == User.Role.PENGELOLA and request.user.managed_buildings.exists():
        return redirect("portal_home")
    buildings = (
        Building.objects.in_scope(request.user)
        .select_related("kelurahan__parent__parent")
        .order_by("name", "pk")
    )
    page = Paginator(buildings, 25).get_page(request.GET.get("page"))
    # Counts for the page's buildings only, in one grouped query.
    counts = {
        row["tower__building"]: row
        for row in Unit.objects.filter(tower__building__in=[b.pk for b in page], residential=True)
        .values("tower__building")
        .annotate(
            residential=Count("pk"), closed=Count("pk", filter=Q(status__in=Unit.CLOSED_STATUSES))
        )
    }
    for building in page:
        row = counts.get(building.pk, {})
        building.residential = row.get("residential", 0)
        building.closed = row.get("closed", 0)
    return render(
        request,
        "accounts/home.html",
        {
            "page": page,
            "can_invite": bool(invitable_roles(request.user)),
            "region_prefix": region_prefix(request.user),
        },
    )
