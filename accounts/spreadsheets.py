"""Cells that a spreadsheet would run as a formula, made plain text (OWASP's CSV injection rule).

A building named `=cmd|' /C calc'!A0` or a pantarlih named `=HYPERLINK("http://…?d="&B2,"…")`
became a live formula in every XLSX and a raw `=` cell in every CSV we exported. Every export
(dashboard, background jobs, admin) passes its rows through `spreadsheet_safe`: a text cell
that starts with = + - @, a tab or a carriage return gets a leading apostrophe, which Excel and
LibreOffice read as "this is text". Numbers stay numbers, so sums still work.
"""

import tablib

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(data: tablib.Dataset) -> tablib.Dataset:
    """`data` with every formula-looking text cell neutralised (headers included)."""
    safe = tablib.Dataset(headers=[cell_safe(h) for h in data.headers] if data.headers else None)
    safe.title = data.title
    for row in data:
        safe.append([cell_safe(value) for value in row])
    return safe
