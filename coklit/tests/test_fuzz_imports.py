"""Fuzzing the import commands: the sheet reader and the building and unit imports.

`FUZZ_EXAMPLES=1000 bin/test coklit/tests/test_fuzz*.py` is the full run (issue #8).
"""

import io

import pytest
import tablib
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from buildings.imports import buildings_import, units_import
from coklit.tests.fuzzing import (
    FUZZ,
    assert_nothing_invalid,
    csv_cell,
    file_bytes,
    rolled_back,
    stored_state,
)

pytestmark = pytest.mark.django_db

COLUMNS = ["nama", "jenis", "alamat", "kelurahan", "kecamatan", "kota", "pengelola", "latitude",
           "longitude", "catatan_akses", "kontak", "telepon", "posko", "aktif", "gedung", "tower",
           "lantai", "nomor", "hunian", "status", "id"]  # fmt: skip
PLAUSIBLE = {
    "nama": ["Kalibata Uji", "Rusun Baru"], "jenis": ["rusunawa", "apartemen", "x"],
    "kelurahan": ["Rawajati", "Marunda"], "kecamatan": ["Pancoran", "Cilincing"],
    "kota": ["Jakarta Selatan", "Jakarta Utara"], "latitude": ["-6.25", "95"],
    "longitude": ["106.85", "200"], "posko": ["ya", "tidak"], "aktif": ["ya"],
    "gedung": ["Kalibata Uji"], "tower": ["A"], "lantai": ["1", "-3", "999"],
    "nomor": ["A-0102"], "hunian": ["ya", "tidak"],
}  # fmt: skip


@st.composite
def datasets(draw):
    headers = draw(st.lists(st.sampled_from(COLUMNS) | csv_cell, min_size=1, max_size=12,
                            unique=True))  # fmt: skip
    cell = {h: st.sampled_from(PLAUSIBLE[h]) | csv_cell if h in PLAUSIBLE else csv_cell
            for h in headers}  # fmt: skip
    rows = draw(st.lists(st.tuples(*[cell[h] for h in headers]), max_size=5))
    return tablib.Dataset(*rows, headers=headers)


@FUZZ
@given(dataset=datasets(), units=st.booleans(), skip_invalid=st.booleans())
def test_imports_on_random_datasets(world, dataset, units, skip_invalid):
    do_import = units_import if units else buildings_import
    before = stored_state()
    with rolled_back():
        do_import(dataset=dataset, skip_invalid=skip_invalid)
        assert_nothing_invalid(before, stored_state(), accepted=True)


@FUZZ
@given(raw=file_bytes, suffix=st.sampled_from([".csv", ".xlsx"]),
       command=st.sampled_from(["import_buildings", "import_units"]))  # fmt: skip
def test_import_commands_refuse_broken_files_with_a_message(world, raw, suffix, command, tmp_path):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(raw)
    before = stored_state()
    with rolled_back():
        try:
            call_command(command, str(path), "--dry-run", stdout=io.StringIO())
        except CommandError:
            pass
        assert_nothing_invalid(before, stored_state(), accepted=False)
