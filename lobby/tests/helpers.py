"""Posting the residents' form as the public page's own form does (used by the tests)."""

import re


def form_token(html: str) -> str:
    """The hidden form token of a public page."""
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def ask(client, d, unit, **extra):
    """Open the building's page and send the request form for `unit` ("sore" unless given);
    `typed=` sends another unit number than the unit's own."""
    typed = extra.pop("typed", unit.number)
    page = client.get(f"/warga/{d.link.token}/")
    data = {
        "token": form_token(page.content.decode()),
        "tower": d.tower.pk,
        "unit": typed,
        "best_time": "sore",
        **extra,
    }
    return client.post(f"/warga/{d.link.token}/minta/", data)
