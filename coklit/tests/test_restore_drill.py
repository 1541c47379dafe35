"""The backup can be read back: bin/restore-drill dumps, restores and compares every table."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_restore_drill_restores_identical_row_counts():
    if connection.vendor != "postgresql":
        pytest.skip("the drill is for PostgreSQL (CI runs it there)")
    from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory

    tower = TowerFactory(building=BuildingFactory(name="Gedung Latihan Pulih"))
    UnitFactory.create_batch(5, tower=tower)
    s = connection.settings_dict
    url = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    result = subprocess.run(
        ["bash", "bin/restore-drill"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DATABASE_URL": url},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore drill OK" in result.stdout
