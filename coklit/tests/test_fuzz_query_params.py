"""Every page, as the role that opens it, with hostile query strings: never a 500 (issue #13).

The parameter names are every one our views and the admin read (`request.GET`), plus admin
filters and ordering; the values are the fuzzing module's hostile text.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coklit.tests.fuzzing import FUZZ, text

pytestmark = pytest.mark.django_db

PARAMS = ["page", "halaman", "tanggal", "minggu", "show", "status", "tingkat", "kode", "q", "o",
          "p", "e", "all", "region", "kota", "role__exact", "action__exact", "kind", "level",
          "_changelist_filters", "next", "term", "app_label", "model_name", "field_name",
          "resource_type", "cid", "timestamp__gte", "wilayah", "alasan",
          # The unit generator's live preview (/portal/tower/<id>/pratinjau/).
          "first_floor", "last_floor", "units_per_floor", "skip_floors", "number_format"]  # fmt: skip

PAGES = {
    "kpu_provinsi": [
        "/dasbor/wilayah/31/", "/dasbor/wilayah/31.74/", "/dasbor/wilayah/31.74.08.1003/",
        "/dasbor/masalah/", "/dasbor/jadwal/", "/dasbor/ekspor/", "/dasbor/sosialisasi/",
        "/undangan/", "/admin/buildings/building/", "/admin/accounts/user/",
        "/admin/auditlog/logentry/", "/admin/visits/unitoutcome/", "/admin/autocomplete/",
        "/dasbor/gedung/{building_a}/", "/dasbor/wilayah/31.74.08.1003/penugasan/",
        "/dasbor/cari/",
        "/dasbor/peta/",
        "/dasbor/besok/",
    ],
    "pantarlih_a": ["/lapangan/", "/lapangan/tower/{tower_a}/", "/lapangan/kartu/", "/cek/"],
    "manager_a": ["/portal/", "/portal/gedung/{building_a}/", "/portal/gedung/{building_a}/jadwal/",
                  "/portal/tower/{tower_a}/", "/portal/tower/{tower_a}/pratinjau/"],
}  # fmt: skip

CASES = [(persona, page) for persona, pages in PAGES.items() for page in pages]


@pytest.mark.parametrize("persona, page", CASES)
def test_no_query_string_brings_a_page_down(client, world, persona, page):
    client.force_login(getattr(world, persona))
    url = page.format(building_a=world.building_a.pk, tower_a=world.tower_a.pk)

    @FUZZ
    @given(st.dictionaries(st.sampled_from(PARAMS), text, max_size=4))
    def check(query):
        # Django's test client refuses NUL in a URL the way a server would never see it.
        query = {k: v.replace("\x00", "") for k, v in query.items()}
        response = client.get(url, query)
        assert response.status_code < 500, (url, query)

    check()
