import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from buildings.models import Region

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dki_wilayah.csv"

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


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/ reference data not beside the repo")
def test_region_tree_matches_the_reference_extract():
    with REFERENCE.open(encoding="utf-8") as f:
        reference = {row["kode"]: (row["nama"], row["level"]) for row in csv.DictReader(f)}
    ours = {r.code: (r.name, r.level) for r in Region.objects.all()}
    assert ours == reference


def test_load_regions_again_changes_nothing(capsys):
    call_command("load_regions")
    assert "0 created, 0 updated, 317 unchanged" in capsys.readouterr().out
