"""`{% load roles %}` … `{% if user|has_role:"PLANNERS" %}`: the named role sets of
accounts/roles.py, for templates."""

from django import template

from accounts import roles

register = template.Library()


@register.filter
def has_role(user, name: str) -> bool:
    return roles.has_role(user, roles.SETS[name])
