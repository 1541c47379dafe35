"""The roles, and every set of roles the code and the templates ask about, named once.

A view, a rule or a template asks "is this user one of the PLANNERS?", never lists roles of its
own: when who may do what changes, it changes here. Templates use the same names through
`{% load roles %}` and `user|has_role:"PLANNERS"` (accounts/templatetags/roles.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KPU_PROVINSI = "kpu_provinsi", _("KPU Provinsi")
    KPU_KOTA = "kpu_kota", _("KPU Kota")
    PPK = "ppk", _("PPK (district committee)")
    PPS = "pps", _("PPS (village committee)")
    DINAS = "dinas", _("Dinas Perumahan (housing office)")
    BAWASLU = "bawaslu", _("Bawaslu (supervisor)")
    PENGELOLA = "pengelola", _("Building manager (pengelola)")
    PANTARLIH = "pantarlih", _("Field officer (pantarlih)")


# Staff whose scope is a region of the DKI tree (a Kemendagri code prefix); they read the
# staff dashboard.
REGION_STAFF = frozenset(
    {Role.KPU_PROVINSI, Role.KPU_KOTA, Role.PPK, Role.PPS, Role.DINAS, Role.BAWASLU}
)
# Staff who work in the (scoped) Django admin as well.
ADMIN_USERS = frozenset({Role.KPU_PROVINSI, Role.KPU_KOTA, Role.DINAS, Role.BAWASLU})
KPU = frozenset({Role.KPU_PROVINSI, Role.KPU_KOTA})
# KPU at every level: they plan the fieldwork (propose schedules, raise access issues) and
# assign pantarlih; Dinas and Bawaslu read.
PLANNERS = frozenset({Role.KPU_PROVINSI, Role.KPU_KOTA, Role.PPK, Role.PPS})
# Who onboards buildings and holds socialisation sessions (DESIGN flows 1 and 2).
ONBOARDERS = frozenset({Role.KPU_PROVINSI, Role.KPU_KOTA, Role.DINAS})
# Roles whose account may cover the whole province without a region.
PROVINCE_LEVEL = frozenset({Role.KPU_PROVINSI, Role.DINAS, Role.BAWASLU})
# Of those, the ones outside KPU: a region-less account of theirs reaches all of DKI.
PROVINCE_WIDE = frozenset({Role.DINAS, Role.BAWASLU})
# Roles that read but never change domain data.
READ_ONLY = frozenset({Role.BAWASLU})
# Who reads the audit timelines.
TIMELINE_READERS = frozenset({Role.KPU_PROVINSI, Role.KPU_KOTA, Role.BAWASLU})
# Roles that work in one kelurahan: a building they are invited for fixes it.
KELURAHAN_LEVEL = frozenset({Role.PPS, Role.PANTARLIH})
# Who gets the weekly digest of their area.
DIGEST_READERS = frozenset({Role.KPU_KOTA, Role.PPK})
# Who prints a building's lobby poster (everyone but the officers), and who may change its link.
POSTER_PRINTERS = frozenset(set(Role) - {Role.PANTARLIH})
LINK_ROTATORS = frozenset({Role.PENGELOLA, Role.KPU_PROVINSI, Role.KPU_KOTA})

# Every named set, for the template filter.
SETS = {
    name: value
    for name, value in globals().items()
    if name.isupper() and isinstance(value, frozenset)
}


def has_role(user, roles: frozenset) -> bool:
    """Whether `user` is active and holds one of `roles` (a superuser holds all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in roles
