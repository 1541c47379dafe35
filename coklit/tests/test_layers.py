"""Every app is in the layers contract (.importlinter), so a new package cannot escape it."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_top_level_package_sits_in_a_layer():
    contract = configparser.ConfigParser()
    contract.read(ROOT / ".importlinter")
    roots = set(contract["importlinter"]["root_packages"].split())
    layered = {
        name.strip()
        for line in contract["importlinter:contract:layers"]["layers"].split("\n")
        for name in line.split("|")
        if name.strip()
    }
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name != "bench"  # benchmarks, not the product: run by hand
    }
    assert packages == roots == layered
