"""``find_services``: the one directory search behind the HTML pages and both APIs.

The index narrows the candidates (words, and coarse facts for every filter); the exact rules
that need a date or a distance run here on what is left; then only the page's services are
loaded from the database.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import select
from whoosh import query as q
from whoosh.searching import Searcher

from wellbeing.directory.geo import Point, distance_m, lookup_postcode
from wellbeing.directory.models import Location, Service
from wellbeing.directory.search.documents import LISTING_OPTIONS
from wellbeing.directory.search.filters import (
    IndexFilter,
    ScheduleRule,
    ServiceFilters,
    filter_query,
    schedule_rules,
    schedules_by_service,
    serving_query,
)
from wellbeing.directory.search.index import searcher
from wellbeing.directory.search.local_areas import local_area_slugs
from wellbeing.directory.search.query import highlight_text, suggest, text_query
from wellbeing.directory.search.synonyms import current_synonyms
from wellbeing.extensions import db

SORTS = ("relevance", "distance", "name")
__all__ = ["SearchResults", "ServiceFilters", "ServiceHit", "find_services", "iter_services"]


@dataclass
class ServiceHit:
    service: Service
    score: float | None = None
    distance_m: float | None = None
    nearest_location: Location | None = None
    highlight: Markup | None = None


@dataclass
class SearchResults:
    items: list[ServiceHit]
    total: int
    page: int
    per_page: int
    pages: int
    suggestion: str | None = None  # the corrected words the results are for, when corrected
    origin: Point | None = None
    typed_text: str = ""  # what was typed, as searched (after any cut)
    corrected_from: str | None = None  # what was typed, when the search ran on ``suggestion``
    cut: bool = False  # the text was longer than we search: only its start was used
    semantic: bool = False  # meaning-based retrieval took part


@dataclass
class _Candidate:
    docnum: int
    service_id: str
    score: float | None
    name: str = ""
    distance_m: float | None = None
    location_id: str | None = None


@dataclass
class _Search:
    text: str
    origin: Point | None
    radius_m: float | None
    filters: ServiceFilters
    now: datetime
    rules: list[ScheduleRule] = field(default_factory=list)
    where: IndexFilter = field(default_factory=lambda: IndexFilter(None, None))
    local_areas: list[str] = field(default_factory=list)  # the searched place's areas


def _check(page: int, per_page: int, sort: str, radius_m: float | None, now: datetime) -> None:
    if page < 1:
        raise ValueError("page must be 1 or more")
    if per_page < 1:
        raise ValueError("per_page must be 1 or more")
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    if radius_m is not None and not radius_m > 0:
        raise ValueError("radius_m must be more than 0")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")


def _stepwise(node: q.Query) -> q.Query:
    # Stepping through the words only where a small filter matches beats loading all matches.
    if isinstance(node, q.PreloadedOr):
        return q.DefaultOr(node.subqueries, boost=node.boost)
    return node


def _candidates(searcher: Searcher, search: _Search, text_q: q.Query | None) -> list[_Candidate]:
    """Every service the index matches: the words (scored) and the filters."""
    if searcher.doc_count_all() == 0:
        return []  # an empty index has no columns to read
    ids = searcher.reader().column_reader("id", translate=True)
    where = search.where
    if text_q is None:
        # Not q.AndNot: Whoosh's AndNot matcher can keep an excluded document that is the first
        # match of the positive side (seen with "temporarily closed" services).
        docs = searcher.docs_for_query(where.required or q.Every())
        excluded = set(searcher.docs_for_query(where.excluded)) if where.excluded else set()
        return [_Candidate(doc, ids[doc], None) for doc in docs if doc not in excluded]
    if search.radius_m is not None and where.required is not None:  # a small area
        narrowed = q.And([text_q.accept(_stepwise), q.ConstantScoreQuery(where.required, 0.0)])
        results = searcher.search(narrowed, mask=where.excluded, limit=None)
    else:
        results = searcher.search(text_q, filter=where.required, mask=where.excluded, limit=None)
    return [_Candidate(docnum, ids[docnum], score) for docnum, score in results.items()]


def _match(
    searcher: Searcher, search: _Search
) -> tuple[q.Query | None, list[_Candidate], str | None]:
    """Candidates for the words, or for the nearest spelling when nothing matches them."""
    synonyms = current_synonyms()
    text_q = text_query(searcher.reader(), search.text, synonyms)
    found = _candidates(searcher, search, text_q)
    suggestion = suggest(searcher, search.text) if not found and text_q is not None else None
    if suggestion:
        corrected_q = text_query(searcher.reader(), suggestion, synonyms)
        if corrected_q is not None and (corrected := _candidates(searcher, search, corrected_q)):
            return corrected_q, corrected, suggestion
    return text_q, found, None


def _premises_free(searcher: Searcher, local_areas: list[str]) -> tuple[set[int], set[int]]:
    """Documents run for the searched place's areas, and documents that name any area at all."""
    return set(searcher.docs_for_query(serving_query(local_areas))), set(
        searcher.docs_for_query(q.Every("service_areas"))
    )


def _measure(searcher: Searcher, found: list[_Candidate], search: _Search) -> list[_Candidate]:
    """Exact distance to each candidate's nearest location; cut at the radius when there is one.

    A service with no premises (a phone line, say) has no distance: it is kept when it is run for
    the searched place's area, or, when it names no area, only if there is no radius.
    """
    origin = search.origin
    if origin is None or not found:
        return found
    points = searcher.reader().column_reader("points")
    areas: tuple[set[int], set[int]] | None = None
    kept = []
    for candidate in found:
        for point in (
            points[candidate.docnum].decode().split(";") if points[candidate.docnum] else []
        ):
            location_id, lat, lon = point.split(",")
            metres = distance_m(origin.latitude, origin.longitude, float(lat), float(lon))
            if candidate.distance_m is None or metres < candidate.distance_m:
                candidate.distance_m, candidate.location_id = metres, location_id
        if candidate.distance_m is None:
            serving, named = areas = areas or _premises_free(searcher, search.local_areas)
            if candidate.docnum in serving or (
                search.radius_m is None and candidate.docnum not in named
            ):
                kept.append(candidate)
        elif search.radius_m is None or candidate.distance_m <= search.radius_m:
            kept.append(candidate)
    return kept


def _keep_open(found: list[_Candidate], search: _Search) -> list[_Candidate]:
    """Exact opening-time rules, from the schedules of the candidates left."""
    if not search.rules:
        return found
    timetable = schedules_by_service([candidate.service_id for candidate in found])
    return [
        candidate
        for candidate in found
        if all(rule(timetable.get(candidate.service_id, [])) for rule in search.rules)
    ]


def _order(searcher: Searcher, found: list[_Candidate], sort: str, search: _Search) -> None:
    if not found:
        return
    names = searcher.reader().column_reader("name_sort")
    for candidate in found:
        candidate.name = names[candidate.docnum].decode()
    if sort == "relevance" and search.text:
        found.sort(key=lambda c: (-(c.score or 0.0), c.name, c.service_id))
    elif sort == "distance" or (sort == "relevance" and search.origin is not None):
        found.sort(key=lambda c: (c.distance_m is None, c.distance_m or 0.0, c.name, c.service_id))
    else:
        found.sort(key=lambda c: (c.name, c.service_id))


def _hits(page: list[_Candidate], text_q: q.Query | None) -> list[ServiceHit]:
    """Load the page's services (with what the result list shows) in page order."""
    if not page:
        return []
    statement = select(Service).where(Service.id.in_([c.service_id for c in page]))
    loaded = db.session.execute(statement.options(*LISTING_OPTIONS)).unique().scalars()
    services = {service.id: service for service in loaded}
    hits = []
    for candidate in page:
        service = services.get(candidate.service_id)
        if service is None:  # deleted since the index last caught up
            continue
        nearest = next((loc for loc in service.locations if loc.id == candidate.location_id), None)
        highlight = highlight_text(service.description, text_q) if text_q is not None else None
        hits.append(ServiceHit(service, candidate.score, candidate.distance_m, nearest, highlight))
    return hits


def _run(
    text: str | None,
    postcode: str | None,
    radius_m: float | None,
    filters: ServiceFilters | None,
    sort: str,
    now: datetime,
) -> tuple[list[_Candidate], q.Query | None, str | None, Point | None]:
    """Every matching candidate in order, with the query, any suggestion and the origin."""
    origin = lookup_postcode(postcode) if postcode and postcode.strip() else None
    if origin is None and (sort == "distance" or radius_m is not None):
        raise ValueError("a postcode is needed to sort or limit by distance")
    search = _Search((text or "").strip(), origin, radius_m, filters or ServiceFilters(), now)
    search.rules = schedule_rules(search.filters, now)
    search.local_areas = local_area_slugs(origin) if origin is not None else []
    search.where = filter_query(search.filters, origin, radius_m, now, search.local_areas)
    with searcher() as index:
        text_q, found, suggestion = _match(index, search)
        found = _keep_open(_measure(index, found, search), search)
        _order(index, found, sort, search)
    return found, text_q, suggestion, origin


def find_services(
    text: str | None = None,
    postcode: str | None = None,
    radius_m: float | None = None,
    filters: ServiceFilters | None = None,
    page: int = 1,
    per_page: int = 20,
    sort: str = "relevance",
    now: datetime | None = None,
) -> SearchResults:
    """Services matching words, a place and filters, best first; raises PostcodeError, ValueError.

    ``relevance`` orders by how well the words match; with no words, by distance when there is a
    postcode, else by name. A radius (metres) needs a postcode and leaves out what is further.
    """
    now = now or datetime.now(UTC)
    _check(page, per_page, sort, radius_m, now)
    found, text_q, suggestion, origin = _run(text, postcode, radius_m, filters, sort, now)
    start = (page - 1) * per_page
    items = _hits(found[start : start + per_page], text_q)
    pages = math.ceil(len(found) / per_page)
    return SearchResults(items, len(found), page, per_page, pages, suggestion, origin)


def iter_services(
    text: str | None = None,
    postcode: str | None = None,
    radius_m: float | None = None,
    filters: ServiceFilters | None = None,
    sort: str = "relevance",
    now: datetime | None = None,
    batch_size: int = 200,
) -> Iterator[ServiceHit]:
    """Every result of one search, in order, loaded a batch at a time (for exports and streams)."""
    now = now or datetime.now(UTC)
    _check(1, batch_size, sort, radius_m, now)
    found, text_q, _suggestion, _origin = _run(text, postcode, radius_m, filters, sort, now)
    for start in range(0, len(found), batch_size):
        yield from _hits(found[start : start + batch_size], text_q)
