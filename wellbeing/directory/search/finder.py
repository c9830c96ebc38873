"""``find_services``: the one directory search behind the HTML pages and both APIs.

Words are found two ways and the rankings fused: by the words themselves (BM25F over the index,
forgiving: any meaningful word makes a candidate) and by meaning (sentence embeddings). The index
applies every filter to both; the exact rules that need a date or a distance run here on what is
left; with a postcode, relevance is blended with nearness; then only the page's services are
loaded from the database.
"""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm.interfaces import ORMOption
from whoosh import query as q
from whoosh.searching import Searcher

from wellbeing.directory.geo import Point, distance_m, lookup_postcode
from wellbeing.directory.models import Location, Service
from wellbeing.directory.search.documents import LISTING_OPTIONS
from wellbeing.directory.search.filters import (
    ServiceFilters,
    filter_query,
    schedule_rules,
    schedules_by_service,
    serving_query,
)
from wellbeing.directory.search.index import column, searcher
from wellbeing.directory.search.local_areas import local_area_slugs
from wellbeing.directory.search.query import TextQuery, cut, highlight_text
from wellbeing.directory.search.retrieval import Candidate, Search, match
from wellbeing.extensions import db

SORTS = ("relevance", "distance", "name")
PLACE_SCALE_M = 15_000.0  # relevance is halved this far away; a quarter at twice as far
NO_PREMISES_M = 3_000.0
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


def _premises_free(searcher: Searcher, local_areas: list[str]) -> tuple[set[int], set[int]]:
    """Documents run for the searched place's areas, and documents that name any area at all."""
    return set(searcher.docs_for_query(serving_query(local_areas))), set(
        searcher.docs_for_query(q.Every("service_areas"))
    )


def _measure(searcher: Searcher, found: list[Candidate], search: Search) -> list[Candidate]:
    """Exact distance to each candidate's nearest location; cut at the radius when there is one.

    A service with no premises (a phone line, say) has no distance: it is kept when it is run for
    the searched place's area, or, when it names no area, only if there is no radius.
    """
    origin = search.origin
    if origin is None or not found:
        return found
    points = column(searcher, "points")
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


def _keep_open(found: list[Candidate], search: Search) -> list[Candidate]:
    """Exact opening-time rules, from the schedules of the candidates left."""
    if not search.rules:
        return found
    timetable = schedules_by_service([candidate.service_id for candidate in found])
    return [
        candidate
        for candidate in found
        if all(rule(timetable.get(candidate.service_id, [])) for rule in search.rules)
    ]


def _order(searcher: Searcher, found: list[Candidate], sort: str, search: Search) -> None:
    if not found:
        return
    names = column(searcher, "name_sort")
    for candidate in found:
        candidate.name = names[candidate.docnum].decode()
    if sort == "relevance" and search.text:
        top = max((c.score or 0.0) for c in found) or 1.0
        for candidate in found:
            candidate.score = (candidate.score or 0.0) / top
            if search.origin is not None:
                candidate.score *= _nearness(candidate.distance_m)
        found.sort(key=lambda c: (-(c.score or 0.0), c.name, c.service_id))
    elif sort == "distance" or (sort == "relevance" and search.origin is not None):
        found.sort(key=lambda c: (c.distance_m is None, c.distance_m or 0.0, c.name, c.service_id))
    else:
        found.sort(key=lambda c: (c.name, c.service_id))


def _nearness(metres: float | None) -> float:
    """How much being near keeps of relevance: all of it nearby (0.96 at 3 km), a half at
    PLACE_SCALE_M, next to nothing a hundred miles away (a community group is somewhere people go
    each week); a service with no premises (by phone, online) counts as a short trip."""
    distance = NO_PREMISES_M if metres is None else metres
    return 1 / (1 + (distance / PLACE_SCALE_M) ** 2)


def _hits(
    page: list[Candidate], text_q: TextQuery | None, load: Sequence[ORMOption]
) -> list[ServiceHit]:
    """Load the page's services (with what ``load`` names) in page order."""
    if not page:
        return []
    statement = select(Service).where(Service.id.in_([c.service_id for c in page]))
    loaded = db.session.execute(statement.options(*load)).unique().scalars()
    services = {service.id: service for service in loaded}
    hits = []
    for candidate in page:
        service = services.get(candidate.service_id)
        if service is None:  # deleted since the index last caught up
            continue
        nearest = (
            next((loc for loc in service.locations if loc.id == candidate.location_id), None)
            if candidate.location_id is not None  # only with a place (and what it loads)
            else None
        )
        highlight = highlight_text(service.description, text_q.query) if text_q else None
        hits.append(ServiceHit(service, candidate.score, candidate.distance_m, nearest, highlight))
    return hits


@dataclass
class _Outcome:
    found: list[Candidate]
    text_q: TextQuery | None
    typed: str
    corrected: str | None
    cut: bool
    origin: Point | None
    semantic: bool = False


def _run(
    text: str | None,
    postcode: str | None,
    radius_m: float | None,
    filters: ServiceFilters | None,
    sort: str,
    now: datetime,
    correct_spelling: bool = True,
) -> _Outcome:
    """Every matching candidate in order, with the query, any correction and the origin."""
    origin = lookup_postcode(postcode) if postcode and postcode.strip() else None
    if origin is None and (sort == "distance" or radius_m is not None):
        raise ValueError("a postcode is needed to sort or limit by distance")
    typed, was_cut = cut(text or "")
    search = Search(typed, origin, radius_m, filters or ServiceFilters(), now)
    search.correct_spelling = correct_spelling
    search.rules = schedule_rules(search.filters, now)
    search.local_areas = local_area_slugs(origin) if origin is not None else []
    search.where = filter_query(search.filters, origin, radius_m, now, search.local_areas)
    with searcher() as index:
        if index.doc_count_all() == 0:
            return _Outcome([], None, typed, None, was_cut, origin)
        text_q, found, corrected = match(index, search)
        found = _keep_open(_measure(index, found, search), search)
        _order(index, found, sort, search)
    return _Outcome(found, text_q, typed, corrected, was_cut, origin, search.semantic)


def find_services(
    text: str | None = None,
    postcode: str | None = None,
    radius_m: float | None = None,
    filters: ServiceFilters | None = None,
    page: int = 1,
    per_page: int = 20,
    sort: str = "relevance",
    now: datetime | None = None,
    correct_spelling: bool = True,
    load: Sequence[ORMOption] = LISTING_OPTIONS,
) -> SearchResults:
    """Services matching words, a place and filters, best first; raises PostcodeError, ValueError.

    ``relevance`` orders by how well the words match (blended with nearness when there is a
    postcode); with no words, by distance when there is a postcode, else by name. A radius
    (metres) needs a postcode and leaves out what is further. Words that are not real words are
    corrected unless ``correct_spelling`` is False; the results then say so.
    """
    now = now or datetime.now(UTC)
    _check(page, per_page, sort, radius_m, now)
    outcome = _run(text, postcode, radius_m, filters, sort, now, correct_spelling)
    found = outcome.found
    start = (page - 1) * per_page
    items = _hits(found[start : start + per_page], outcome.text_q, load)
    return SearchResults(
        items,
        len(found),
        page,
        per_page,
        math.ceil(len(found) / per_page),
        suggestion=outcome.corrected,
        origin=outcome.origin,
        typed_text=outcome.typed,
        corrected_from=outcome.typed if outcome.corrected else None,
        cut=outcome.cut,
        semantic=outcome.semantic,
    )


def iter_services(
    text: str | None = None,
    postcode: str | None = None,
    radius_m: float | None = None,
    filters: ServiceFilters | None = None,
    sort: str = "relevance",
    now: datetime | None = None,
    batch_size: int = 200,
    load: Sequence[ORMOption] = LISTING_OPTIONS,
) -> Iterator[ServiceHit]:
    """Every result of one search, in order, loaded a batch at a time (for exports and streams)."""
    now = now or datetime.now(UTC)
    _check(1, batch_size, sort, radius_m, now)
    outcome = _run(text, postcode, radius_m, filters, sort, now)
    for start in range(0, len(outcome.found), batch_size):
        yield from _hits(outcome.found[start : start + batch_size], outcome.text_q, load)
