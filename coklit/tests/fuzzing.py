"""Hostile inputs and the after-each-example checks shared by the fuzz tests (issue #8).

The strategies make what a careless or hostile client sends: NUL bytes, very long strings,
RTL marks, emoji, SQL/HTML/JS snippets, NIK-like numbers with separators, numbers out of
range, wrong types, fields that must not be settable, random bytes as files. After every
example `stored_state` is compared before and after: no new row fails `full_clean()`, no
stored text holds a NIK, and row counts only move when the view accepted the input.
"""

import contextlib
import os

from django.apps import apps
from django.db import models, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from accounts.validators import contains_nik

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip

SNIPPETS = [
    "'; DROP TABLE buildings_building; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    "../../etc/passwd",
    "\u202eRTL\u202c\u200f",
    "😀👨‍👩‍👧‍👦🇮🇩",
    "\x00",
    "a\x00b",
    "%00",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e308",
    "1.5",
    "true",
    "null",
    "[]",
    "{}",
    "2024-02-30",
    "2024-06-24T25:61",
    "9999-12-31T23:59",
    "0001-01-01",
    "00:00",
    "24:00",
    "x" * 5000,
]

# A NIK-shaped number: Jakarta Selatan / Pancoran, born 15-07-1990 (41 for a woman), serial 0001.
NIKS = ["3174081507900001", "3174085507900002", "3172041201850003"]


@st.composite
def nik_like(draw):
    digits = draw(st.sampled_from(NIKS))
    sep = draw(st.sampled_from(["", " ", ".", "-", "/", "_", ",", "\t", "\n", "\u200b", " / "]))
    if sep:
        digits = sep.join([digits[:2], digits[2:4], digits[4:6], digits[6:12], digits[12:]])
    if draw(st.booleans()):  # full-width or Arabic-Indic digits (issue #13)
        base = draw(st.sampled_from([0xFF10, 0x0660]))
        digits = "".join(chr(base + int(c)) if c.isdigit() else c for c in digits)
    return draw(st.sampled_from(["", "NIK ", "catatan: "])) + digits


text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(SNIPPETS),
    nik_like(),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
value = st.one_of(text, st.lists(text, min_size=2, max_size=3))

# Fields a client must not be able to set, sent beside the real ones.
EXTRA_FIELDS = ["building", "status", "kelurahan", "role", "id", "pk", "region", "created_by",
                "raised_by", "pantarlih", "tower", "level", "is_staff", "is_superuser", "user"]  # fmt: skip


def form_data(fields, choices=None):
    """A POST body: each known field present or missing, hostile values, extra fields."""
    choices = choices or {}
    optional = {name: st.one_of(st.sampled_from(choices[name]), value) if name in choices
                else value for name in fields}  # fmt: skip
    extras = st.dictionaries(st.sampled_from(EXTRA_FIELDS), value, max_size=3)
    return st.tuples(st.fixed_dictionaries({}, optional=optional), extras).map(
        lambda pair: {**pair[1], **pair[0]}
    )


# Uploaded files: garbage, a zip header with garbage, CSV-ish text with hostile cells.
csv_cell = st.one_of(st.sampled_from(SNIPPETS[:20]), nik_like(), st.text(max_size=20))
csv_text = st.lists(st.lists(csv_cell, min_size=1, max_size=8), min_size=0, max_size=8).map(
    lambda rows: "\n".join(",".join(c.replace(",", " ") for c in row) for row in rows)
)
file_bytes = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=2000).map(lambda b: b"PK" + b),
    csv_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    csv_text.map(lambda t: t.encode("utf-16", "surrogatepass")),
)
file_names = st.sampled_from(["data.csv", "data.xlsx", "foto.jpg", "x.exe", "", "a" * 300])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)


def _domain_models():
    for model in apps.get_models():
        if model._meta.app_label in ("accounts", "buildings", "visits", "dashboard", "reminders"):
            if model._meta.model_name != "region":  # thousands of rows, loaded by migrations
                yield model


def _row_problem(row):
    # Foreign keys, unique and check constraints are the database's to enforce; skipping
    # them keeps the check free of queries.
    relations = [f.name for f in row._meta.concrete_fields if f.is_relation]
    try:
        row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except Exception as error:  # noqa: BLE001 — any failure is reported with the row
        return f"full_clean: {error}"
    for field in row._meta.concrete_fields:
        if field.name == "password":
            continue
        if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
            if contains_nik(getattr(row, field.attname)):
                return f"NIK stored in {field.name}"
    return None


def stored_state():
    """Row counts by model, and the rows that fail a check (as (label, pk) -> problem)."""
    counts, problems = {}, {}
    for model in _domain_models():
        rows = list(model._default_manager.all())
        counts[model._meta.label] = len(rows)
        for row in rows:
            problem = _row_problem(row)
            if problem:
                problems[(model._meta.label, row.pk)] = problem
    return counts, problems


def assert_nothing_invalid(before, after, *, accepted):
    counts_before, problems_before = before
    counts_after, problems_after = after
    new = {key: p for key, p in problems_after.items() if problems_before.get(key) != p}
    assert not new, f"invalid rows stored: {new}"
    if not accepted:
        changed = {k: (counts_before.get(k), v) for k, v in counts_after.items()
                   if counts_before.get(k) != v}  # fmt: skip
        assert not changed, f"rows stored although the input was refused: {changed}"


@contextlib.contextmanager
def rolled_back():
    """Each example's writes are undone, so the next one starts from the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


_baseline = {}


def baseline(key):
    """The state every example starts from: the same each time, since each is rolled back."""
    if key not in _baseline:
        _baseline[key] = stored_state()
    return _baseline[key]


def post_and_check(client, url, data, *, files=None, **extra):
    """POST, fail on a crash (the client re-raises it), and check what was stored."""
    before = baseline(url)
    with rolled_back():
        body = dict(data)
        if files:
            body.update(files)
        response = client.post(url, body, **extra)
        assert response.status_code < 500, (url, response.status_code)
        accepted = response.status_code in (301, 302, 303)
        assert_nothing_invalid(before, stored_state(), accepted=accepted)
    return response
