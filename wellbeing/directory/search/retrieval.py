"""Retrieval: candidates for typed words, by the words themselves and by their meaning.

Lexical: the best LEXICAL_DEPTH BM25F matches of a forgiving OR query (any meaningful word makes a
candidate), each scored down when it matches few of the meaningful words. Semantic: the listings
nearest the query's meaning, above a floor. Both pass the same index filters; the two rankings
are fused by reciprocal rank fusion.
"""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import numpy as np
from flask import current_app
from whoosh import query as q
from whoosh.searching import Searcher

from wellbeing.directory.geo import Point
from wellbeing.directory.search import scoring, vectors
from wellbeing.directory.search.embeddings import Embedder, embed_query
from wellbeing.directory.search.filters import IndexFilter, ScheduleRule, ServiceFilters
from wellbeing.directory.search.index import column
from wellbeing.directory.search.needs import nearest_needs
from wellbeing.directory.search.query import TextQuery, text_query
from wellbeing.directory.search.spelling import correct, has_meaning
from wellbeing.directory.search.synonyms import current_synonyms

LEXICAL_DEPTH = 100  # the best word matches considered (the rest match too few words to show)
SEMANTIC_DEPTH = 100  # the nearest listings by meaning considered
SEMANTIC_FLOOR = 0.18  # below this cosine similarity a listing is not about what was asked
SEMANTIC_WINDOW = 0.15  # nor is one this far below the best match
COVERAGE_FLOOR = 0.5  # a listing matching one of two meaningful words keeps 75% of its score
RRF_K = 30  # reciprocal rank fusion's constant: lower than the usual 60, as the lists are short
LEXICAL_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0
NEEDS_WEIGHT = 1.5  # the needs behind the words are the link worker's view: they count a bit more
NEEDS_TOP_UP = 10  # fewer candidates than this under the nearest needs: add others
NEEDS_DEPTH = 200


@dataclass
class Candidate:
    docnum: int
    service_id: str
    score: float | None
    name: str = ""
    distance_m: float | None = None
    location_id: str | None = None


@dataclass
class Search:
    text: str
    origin: Point | None
    radius_m: float | None
    filters: ServiceFilters
    now: datetime
    rules: list[ScheduleRule] = field(default_factory=list)
    where: IndexFilter = field(default_factory=lambda: IndexFilter(None, None))
    local_areas: list[str] = field(default_factory=list)  # the searched place's areas
    correct_spelling: bool = True
    semantic: bool = False  # whether the listings' meaning took part (set by the search)


def _text(token: str | bytes) -> str:
    return token.decode(errors="replace") if isinstance(token, bytes) else token


def _lexical(searcher: Searcher, search: Search, text_q: TextQuery) -> list[Candidate]:
    """The best LEXICAL_DEPTH matches of the words that pass the filters, scored by BM25F and by
    how many of the meaningful words (or their synonyms) each one matches.

    Every match is scored (``scoring``: arrays, term at a time), so the share of words matched
    counts before the cut, not only among the best raw scores."""
    groups = [scoring.score(searcher, group_q) for _, group_q in text_q.groups]
    values = np.sum([found.values for found in groups], axis=0)
    matched = np.logical_or.reduce([found.matched for found in groups])
    if text_q.bonus is not None:
        values += scoring.score(searcher, text_q.bonus).values
    if len(groups) > 1:
        share = np.sum([found.matched for found in groups], axis=0) / len(groups)
        values *= COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * share
    where = search.where
    eligible = (
        matched
        & scoring.alive(searcher)
        & ~scoring.docs_mask(searcher, where.excluded, default=False)
        & scoring.docs_mask(searcher, where.required, default=True)
    )
    ids = column(searcher, "id", translate=True)
    return [
        Candidate(int(docnum), ids[int(docnum)], float(values[docnum]))
        for docnum in scoring.top(values, eligible, LEXICAL_DEPTH)
    ]


def _narrowed(query: q.Query, where: IndexFilter) -> q.Query:
    """The query, also matching the filters: stepped through together, so a small area or one
    need is not first listed in full (a spatial pre-filter that costs what it matches)."""
    if where.required is None:
        return query
    return q.And([query, q.ConstantScoreQuery(where.required, 0.0)])


def _allowed(
    searcher: Searcher, search: Search, candidates: q.Query, limit: int | None = None
) -> dict[str, int]:
    """service id -> docnum of the (first ``limit``) candidates that pass the search's filters."""
    where = search.where
    excluded = set(searcher.docs_for_query(where.excluded)) if where.excluded else set()
    passing = (
        docnum
        for docnum in searcher.docs_for_query(_narrowed(candidates, where))
        if docnum not in excluded
    )
    ids = column(searcher, "id", translate=True)
    return {ids[docnum]: docnum for docnum in islice(passing, limit)}


_docnums: dict[tuple[int, int], dict[str, int]] = {}


def _docnums_by_id(searcher: Searcher) -> dict[str, int]:
    """service id -> docnum in this searcher's index (worked out once per index generation)."""
    reader = searcher.reader()
    key = (id(searcher), reader.generation())
    if key not in _docnums:
        ids = reader.column_reader("id", translate=True)
        _docnums.clear()  # only the current generation is ever asked for again
        _docnums[key] = {ids[docnum]: docnum for docnum in reader.all_doc_ids()}
    return _docnums[key]


def _passing(searcher: Searcher, search: Search, docnums: list[int]) -> set[int]:
    """Which of these documents pass the search's filters."""
    passing = set(docnums)
    if search.where.excluded is not None:
        passing -= set(searcher.docs_for_query(search.where.excluded))
    if search.where.required is not None and passing:
        passing &= set(searcher.docs_for_query(search.where.required))
    return passing


def _semantic(searcher: Searcher, search: Search, query: np.ndarray) -> list[Candidate]:
    """Listings whose meaning is nearest the words' meaning, that also pass the filters."""
    nearest = vectors.nearest(query, SEMANTIC_DEPTH, SEMANTIC_FLOOR)
    if not nearest:
        return []
    by_id = _docnums_by_id(searcher)
    found = [(by_id[sid], sid, score) for sid, score in nearest if sid in by_id]
    passing = _passing(searcher, search, [docnum for docnum, _, _ in found])
    kept = [Candidate(docnum, sid, score) for docnum, sid, score in found if docnum in passing]
    # Far below the best match in meaning is not a match: "walks" is not about a phone line.
    best = kept[0].score or 0.0 if kept else 0.0
    return [c for c in kept if (c.score or 0.0) >= best - SEMANTIC_WINDOW]


def _by_needs(
    searcher: Searcher,
    search: Search,
    embedder: Embedder,
    query: np.ndarray,
    pool: list[Candidate],
    semantic: list[Candidate],
) -> list[Candidate]:
    """Services filed under the needs nearest the words' meaning: the nearest need first, and
    within a need, the listings nearest in meaning first. They are drawn from what the words
    and the listings' meaning found; when that is little, from everything filed there."""
    needs = nearest_needs(embedder, query)
    if not needs:
        return []
    closeness: dict[int, float] = {}
    for term_id, score in needs:
        for docnum in searcher.docs_for_query(q.Term("term_ids", term_id)):
            closeness.setdefault(docnum, score)
    filed = {c.service_id: c for c in pool if c.docnum in closeness}
    if len(filed) < NEEDS_TOP_UP:
        wanted = q.Or([q.Term("term_ids", term_id) for term_id, _ in needs])
        for service_id, docnum in _allowed(searcher, search, wanted, NEEDS_DEPTH).items():
            filed.setdefault(service_id, Candidate(docnum, service_id, None))
    own = {c.service_id: c.score or 0.0 for c in semantic}
    own.update(vectors.similarities(query, [sid for sid in filed if sid not in own]))
    return sorted(
        (Candidate(c.docnum, c.service_id, closeness[c.docnum]) for c in filed.values()),
        key=lambda c: (-(c.score or 0.0), -own.get(c.service_id, 0.0)),
    )


def _fuse(rankings: list[tuple[list[Candidate], float]]) -> list[Candidate]:
    """Weighted reciprocal rank fusion of rankings (each already best first)."""
    fused: dict[str, Candidate] = {}
    for ranking, weight in rankings:
        for rank, candidate in enumerate(ranking):
            share = weight / (RRF_K + rank + 1)
            kept = fused.setdefault(
                candidate.service_id, Candidate(candidate.docnum, candidate.service_id, 0.0)
            )
            kept.score = (kept.score or 0.0) + share
    return sorted(fused.values(), key=lambda c: -(c.score or 0.0))


def _by_text(
    searcher: Searcher, search: Search, text: str, mode: str
) -> tuple[TextQuery | None, list[Candidate]]:
    text_q = text_query(searcher.reader(), text, current_synonyms())
    rankings = []
    if text_q and mode != "semantic":
        rankings.append((_lexical(searcher, search, text_q), LEXICAL_WEIGHT))
    _status, embedder = vectors.model_status() if mode != "lexical" else (None, None)
    search.semantic = embedder is not None
    if embedder is not None:
        query = embed_query(embedder, text)
        semantic = _semantic(searcher, search, query)
        pool = [candidate for ranking, _ in rankings for candidate in ranking] + semantic
        needs = _by_needs(searcher, search, embedder, query, pool, semantic)
        rankings += [(semantic, SEMANTIC_WEIGHT), (needs, NEEDS_WEIGHT)]
    present = [(ranking, weight) for ranking, weight in rankings if ranking]
    if len(present) == 1:
        return text_q, present[0][0]
    return text_q, _fuse(present)


def match(
    searcher: Searcher, search: Search
) -> tuple[TextQuery | None, list[Candidate], str | None]:
    """Candidates for the words, or for the corrected words when some were not real words."""
    if not search.text:
        return None, _browse(searcher, search), None
    mode = current_app.config["WELLBEING_SEARCH_MODE"]
    text = search.text
    corrected = correct(searcher, text, current_synonyms()) if search.correct_spelling else None
    if not has_meaning(corrected or text, current_synonyms()):
        mode = "lexical"
    text_q, found = _by_text(searcher, search, corrected or text, mode)
    if corrected and not found:  # the correction found nothing: what was typed, after all
        text_q, found = _by_text(searcher, search, text, mode)
        corrected = None
    return text_q, found, corrected


def _browse(searcher: Searcher, search: Search) -> list[Candidate]:
    """Every service passing the filters, when no words were typed."""
    if searcher.doc_count_all() == 0:
        return []  # an empty index has no columns to read
    ids = column(searcher, "id", translate=True)
    where = search.where
    # Not q.AndNot: Whoosh's AndNot matcher can keep an excluded document that is the first
    # match of the positive side (seen with "temporarily closed" services).
    docs = searcher.docs_for_query(where.required or q.Every())
    excluded = set(searcher.docs_for_query(where.excluded)) if where.excluded else set()
    return [Candidate(doc, ids[doc], None) for doc in docs if doc not in excluded]
