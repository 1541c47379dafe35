"""Fuzzing the invitation form and the invitation sheet upload.

`FUZZ_EXAMPLES=1000 bin/test coklit/tests/test_fuzz*.py` is the full run (issue #8).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given

from coklit.tests.fuzzing import FUZZ, csv_text, file_bytes, file_names, form_data, post_and_check
from regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = "nama,email,telepon,peran,wilayah,gedung,tps\n"


@pytest.fixture
def inviter(client, world):
    client.force_login(world.kpu_kota_selatan)
    return client


@FUZZ
@given(data=form_data(
    ["full_name", "email", "phone", "role", "region", "building", "tps"],
    {"email": ["baru@uji.coklit.id", "x@", "provinsi@uji.coklit.id"],
     "phone": ["0812 3456 7890", "+62"], "role": ["pantarlih", "pengelola", "kpu_provinsi"],
     "region": ["{r}"], "building": ["{a}", "{b}"], "tps": ["001", "1234567890123"]},
))  # fmt: skip
def test_invitation_form(inviter, world, data):
    ids = {"{r}": Region.objects.get(code="31.74.08.1003").pk,
           "{a}": world.building_a.pk, "{b}": world.building_b.pk}  # fmt: skip
    data = {k: str(ids.get(v, v)) if isinstance(v, str) else v for k, v in data.items()}
    post_and_check(inviter, reverse("invitation_list"), data)


@FUZZ
@given(raw=file_bytes | csv_text.map(lambda t: (HEADER + t).encode()), name=file_names)
def test_invitation_upload(inviter, world, raw, name):
    upload = SimpleUploadedFile(name or "x", raw)
    post_and_check(inviter, reverse("invitation_upload"), {}, files={"file": upload})
