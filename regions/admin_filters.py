from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from regions.models import Region


def kota_filter(region_path: str) -> type[admin.SimpleListFilter]:
    """A "Kota" list filter for the region reached through `region_path` (e.g. "kelurahan").

    It lists the six kota of DKI and keeps the rows whose region code starts with the kota's
    code, a prefix test the code's index serves (31.74 → 31.74.08.1003).
    """

    class KotaFilter(admin.SimpleListFilter):
        title = _("kota")
        parameter_name = "kota"

        def lookups(self, request, model_admin):
            kotas = Region.objects.filter(level=Region.Level.KOTA).only("code", "name")
            return [(kota.code, kota.name) for kota in kotas]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{region_path}__code__startswith": self.value()})
            return queryset

    return KotaFilter
