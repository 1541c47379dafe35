"""Counts written as the reader's language groups them: 77.062 in Indonesian, 77,062 in English.

Templates use humanize's `intcomma`; code that builds thousands of strings at once (a chart's
points, the map's 2,000 buildings) takes the separator once with `grouping()` and applies it
to each count."""

from collections.abc import Callable

from django.utils.formats import get_format


def grouping() -> Callable[[int], str]:
    """A function writing an integer with the active language's thousands separator."""
    separator = get_format("THOUSAND_SEPARATOR")
    if separator == ",":
        return "{:,}".format
    return lambda n: f"{n:,}".replace(",", separator)
