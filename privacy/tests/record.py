"""docs/privacy.md read as data: its table of what is held (used by the tests)."""

import re
from pathlib import Path

RECORD = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def record_rows() -> list[dict]:
    """The rows of the table under "What is held", as {column: cell}."""
    text = RECORD.read_text(encoding="utf-8").split("## What is held", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in text.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [
        dict(zip(header, [cell.strip() for cell in line.strip("|").split("|")], strict=True))
        for line in lines[2:]
    ]


def export_keys(row: dict) -> list[str]:
    return re.findall(r"`([a-z_.]+)`", row["export section"])
