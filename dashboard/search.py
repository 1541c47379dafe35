"""Search across a staff user's scope: buildings by name, address, kelurahan or managing
organisation (pengelola), and the kota, kecamatan and kelurahan themselves by name.

On PostgreSQL a field matches when pg_trgm's word similarity to the query reaches
WORD_THRESHOLD (the `%>` operator, which the GIN trigram indexes of dashboard/migrations/0002
can serve): "Kalibta" finds "Kalibata City" (0.625), "kalbata" too (0.55), and so does a word's
beginning or most of its middle ("Kali", "libata"). The rank is the best field, a building's
own name counting most, plus a little of the name's whole-string similarity, so "kalibata city"
puts Kalibata City before Kalibata Residences.

SQLite (the embedded development default) has no pg_trgm: the scope's buildings are read in one
query and matched in Python with a simpler rule (`_field_score`): the field contains the query,
or each word of the query begins a word of the field or is one typo (a letter missing, extra,
wrong or two swapped) away from it.

Either way a search runs a fixed number of queries, whatever the number of buildings, and
returns at most LIMIT buildings with their coverage. Buildings have no alternative-name field,
so there is none to search.
"""

import difflib
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Greatest

from buildings.models import Building, Unit
from regions.models import Region

LIMIT = 50
REGION_LIMIT = 10
# pg_trgm's default (0.6) lets "Kalibta" through but not "kalbata"; below 0.5 unrelated
# names start to match on a shared syllable.
WORD_THRESHOLD = 0.5
# How much a match in each field counts, against a match in the building's name.
WEIGHTS = {"name": 1.0, "manager_org": 0.9, "kelurahan__name": 0.85, "address": 0.8}


@dataclass
class BuildingHit:
    building: Building
    residential: int = 0
    closed: int = 0

    @property
    def percent(self) -> float:
        return 100 * self.closed / self.residential if self.residential else 0.0


@dataclass
class SearchResults:
    query: str
    regions: list[Region]
    buildings: list[BuildingHit]

    @property
    def truncated(self) -> bool:
        return len(self.buildings) >= LIMIT


def site_search(*, user, prefix: str, query: str, trigram: bool | None = None) -> SearchResults:
    """Buildings of `user`'s scope and regions under the code `prefix` that match `query`,
    best first. `trigram` chooses the matcher (default: pg_trgm on PostgreSQL)."""
    if trigram is None:
        trigram = connection.vendor == "postgresql"
    buildings = Building.objects.in_scope(user).filter(kelurahan__code__startswith=prefix)
    regions = Region.objects.filter(code__startswith=prefix)
    with transaction.atomic():
        if trigram:
            found_regions, found = _trigram_search(regions, buildings, query)
        else:
            found_regions, found = _plain_search(regions, buildings, query)
    return SearchResults(query=query, regions=found_regions, buildings=_with_coverage(found))


def _trigram_search(regions, buildings, query):
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    with connection.cursor() as cursor:
        # Local to the transaction: the threshold of the `%>` operator below.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(WORD_THRESHOLD)],
        )

    def similar(field):
        return Q(TrigramWordSimilar(F(field), Value(query)))

    # Every matching region (a few dozen at most): the first ones are shown, and the kelurahan
    # among them find their buildings by id, so that each condition on the buildings below is
    # one the trigram indexes (or the kelurahan key) can serve.
    matched_regions = list(
        regions.filter(similar("name"))
        .annotate(score=TrigramWordSimilarity(query, "name"))
        .select_related("parent")
        .order_by("-score", "code")
    )
    kelurahan_ids = [r.pk for r in matched_regions if r.level == Region.Level.KELURAHAN]
    match = similar("name") | similar("manager_org") | similar("address")
    if kelurahan_ids:
        match |= Q(kelurahan_id__in=kelurahan_ids)
    score = (
        Greatest(
            *(TrigramWordSimilarity(query, field) * weight for field, weight in WEIGHTS.items()),
            output_field=FloatField(),
        )
        + TrigramSimilarity("name", query) * 0.1
    )
    found = list(
        buildings.filter(match)
        .annotate(score=score)
        .select_related("kelurahan__parent__parent")
        .order_by("-score", "name", "pk")[:LIMIT]
    )
    return matched_regions[:REGION_LIMIT], found


def _plain_search(regions, buildings, query):
    words = _words(query)
    needle = query.casefold()
    ranked_regions = []
    for pk, name in regions.values_list("pk", "name"):
        score = _field_score(needle, words, name)
        if score:
            ranked_regions.append((-score, name, pk))
    ranked_regions = [pk for *_, pk in sorted(ranked_regions)[:REGION_LIMIT]]
    found_regions = Region.objects.filter(pk__in=ranked_regions).select_related("parent")
    by_pk = {r.pk: r for r in found_regions}

    ranked = []
    for row in buildings.values_list("pk", *WEIGHTS):
        pk, values = row[0], dict(zip(WEIGHTS, row[1:], strict=True))
        best = max(_field_score(needle, words, values[f]) * w for f, w in WEIGHTS.items())
        if best:
            closeness = difflib.SequenceMatcher(None, needle, values["name"].casefold()).ratio()
            ranked.append((-(best + 0.1 * closeness), values["name"], pk))
    ranked = [pk for *_, pk in sorted(ranked)[:LIMIT]]
    hits = Building.objects.filter(pk__in=ranked).select_related("kelurahan__parent__parent")
    hit_by_pk = {b.pk: b for b in hits}
    return [by_pk[pk] for pk in ranked_regions], [hit_by_pk[pk] for pk in ranked]


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _field_score(needle: str, words: list[str], value: str | None) -> float:
    """1 when the field contains the query, 0.6 when every word of the query begins a word of
    the field or is one typo away from one (words of four letters or more), else 0."""
    if not value:
        return 0.0
    text = value.casefold()
    if needle in text:
        return 1.0
    if not words:
        return 0.0
    field_words = _words(text)
    for word in words:
        if not any(
            w.startswith(word) or (len(word) >= 4 and _one_typo(word, w)) for w in field_words
        ):
            return 0.0
    return 0.6


def _one_typo(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one letter missing, extra or changed, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i:]


def _with_coverage(buildings: list[Building]) -> list[BuildingHit]:
    """Each building with its residential and closed units, in one grouped query."""
    counts = {
        row["tower__building"]: row
        for row in Unit.objects.filter(
            tower__building__in=[b.pk for b in buildings], residential=True
        )
        .values("tower__building")
        .annotate(
            residential=Count("pk"), closed=Count("pk", filter=Q(status__in=Unit.CLOSED_STATUSES))
        )
    }
    hits = []
    for building in buildings:
        row = counts.get(building.pk, {})
        hits.append(BuildingHit(building, row.get("residential", 0), row.get("closed", 0)))
    return hits
