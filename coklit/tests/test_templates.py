"""Template hygiene that Django does not check: a `{# … #}` comment must stay on one line,
or its text is shown on the page."""

import re
from pathlib import Path

from django.conf import settings


def test_no_template_comment_spans_lines():
    broken = []
    for root in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(root).rglob("*.*"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if re.search(r"\{#(?!.*#\})", line):
                    broken.append(f"{path.relative_to(root)}:{number}")
    assert not broken, "use {% comment %} for comments over several lines: " + ", ".join(broken)
