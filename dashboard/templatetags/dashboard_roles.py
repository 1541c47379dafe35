"""What a staff role may do, for templates that show a control only to whoever can use it,
and who to reach at a building."""

from django import template

from dashboard.timeline import may_read_timeline as _may_read_timeline
from dashboard.views.scheduling import may_plan as _may_plan

register = template.Library()


@register.filter
def may_plan(user) -> bool:
    """Whether `user` plans the fieldwork: proposes schedules, raises access issues."""
    return _may_plan(user)


@register.filter
def may_read_timeline(user) -> bool:
    """Whether `user` reads the audit timelines (KPU and Bawaslu)."""
    return _may_read_timeline(user)


@register.simple_tag
def building_phone(building) -> str:
    """The number to call or WhatsApp at `building`: the contact on duty, else the primary
    manager (dashboard.tomorrow.building_contacts); "" when none is on file."""
    from dashboard.tomorrow import building_contacts

    contact, _managers = building_contacts(building)
    return contact.get("phone") or ""
