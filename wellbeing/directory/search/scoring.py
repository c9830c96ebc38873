"""BM25F scores of a word query for every document at once: term at a time, with numpy.

Whoosh scores an OR query document at a time, through a tree of matchers, a few microseconds a
posting in Python; a resident's words with their word forms and synonyms reach thousands of
postings. Here each term's postings are read a block at a time and scored as arrays with
Whoosh's own BM25F (its idf, average field lengths, stored field lengths, B and K1), so the
scores are Whoosh's, in a fraction of the time. Parts of a query that are not a plain term or an
OR or an AND of terms (phrases) are rare and match few documents: Whoosh's matchers score those.

Scores are dense arrays, one entry per document number of the searcher's reader; a document
that does not match scores 0 and is not in ``matched``.
"""

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as q
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

# Field lengths of recent segments, so a new index generation reads only its new segments'.
MAX_CACHED_SEGMENTS = 64
_lengths_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()


@dataclass
class Scores:
    values: np.ndarray  # float64, one per document number
    matched: np.ndarray  # bool, one per document number


def _segment_lengths(leaf: IndexReader, field: str) -> np.ndarray:
    segment = leaf.segment()
    key = (segment.segment_id() if segment is not None else str(id(leaf)), field)
    lengths = _lengths_cache.get(key)
    if lengths is None:
        count = leaf.doc_count_all()
        lengths = np.fromiter(
            (leaf.doc_field_length(docnum, field, 1) for docnum in range(count)),
            dtype=np.float64,
            count=count,
        )
        _lengths_cache[key] = lengths
        while len(_lengths_cache) > MAX_CACHED_SEGMENTS:
            _lengths_cache.popitem(last=False)
    else:
        _lengths_cache.move_to_end(key)
    return lengths


def field_lengths(searcher: Searcher, field: str) -> np.ndarray:
    """Each document's (stored, quantised) length of ``field``, as Whoosh's scorer reads it."""
    cache: dict[str, np.ndarray] = searcher.__dict__.setdefault("_wellbeing_lengths", {})
    if field not in cache:
        parts = [_segment_lengths(leaf, field) for leaf, _base in searcher.reader().leaf_readers()]
        cache[field] = np.concatenate(parts) if parts else np.zeros(0)
    return cache[field]


def alive(searcher: Searcher) -> np.ndarray:
    """True for each document number that is not deleted."""
    cache = searcher.__dict__
    if "_wellbeing_alive" not in cache:
        reader = searcher.reader()
        mask = np.zeros(reader.doc_count_all(), dtype=bool)
        mask[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        cache["_wellbeing_alive"] = mask
    return cache["_wellbeing_alive"]


def _read_postings(matcher: Matcher) -> tuple[np.ndarray, np.ndarray]:
    """All (document number, weight) pairs of a term's postings in one segment."""
    while isinstance(matcher, FilterMatcher):  # deleted documents: ``alive`` drops them
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    blockwise = all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_i"))
    while matcher.is_active():
        if blockwise:  # Whoosh 3 posting blocks: a block's arrays at once
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            start = matcher._i
            ids.extend(matcher._ids[start:])
            weights.extend(matcher._weights[start:])
            matcher._next_block()
        else:
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def _term(searcher: Searcher, term: q.Term, size: int) -> Scores:
    values = np.zeros(size)
    matched = np.zeros(size, dtype=bool)
    field, text = term.fieldname, term.text
    reader = searcher.reader()
    if (field, text) not in reader:
        return Scores(values, matched)
    weighting = searcher.weighting
    assert isinstance(weighting, BM25F)
    b = weighting._field_B.get(field, weighting.B)
    k1 = weighting.K1
    idf = searcher.idf(field, text)
    average = searcher.avg_field_length(field) or 1
    lengths = field_lengths(searcher, field)
    for leaf, base in reader.leaf_readers():
        try:
            matcher = leaf.postings(field, text)
        except TermNotFound:
            continue
        ids, weights = _read_postings(matcher)
        if not len(ids):
            continue
        ids = ids + base
        norm = k1 * ((1 - b) + b * lengths[ids] / average)
        values[ids] = idf * (weights * (k1 + 1)) / (weights + norm) * term.boost
        matched[ids] = True
    return Scores(values, matched)


def _by_matcher(searcher: Searcher, query: q.Query, size: int) -> Scores:
    values = np.zeros(size)
    matched = np.zeros(size, dtype=bool)
    matcher = query.matcher(searcher, searcher.context())
    ids, scores = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    if ids:
        index = np.asarray(ids, dtype=np.int64)
        values[index] = scores
        matched[index] = True
    return Scores(values, matched)


def score(searcher: Searcher, query: q.Query) -> Scores:
    """Every document's score for ``query``: Whoosh's BM25F, summed over an OR's parts."""
    size = searcher.reader().doc_count_all()
    if isinstance(query, q.Term):
        return _term(searcher, query, size)
    if type(query) is q.Or:
        values = np.zeros(size)
        matched = np.zeros(size, dtype=bool)
        for part in query.subqueries:
            found = score(searcher, part)
            values += found.values
            matched |= found.matched
        if query.boost != 1.0:
            values *= query.boost
        return Scores(values, matched)
    if type(query) is q.And and all(isinstance(part, q.Term) for part in query.subqueries):
        # Every word somewhere in the field: matched by all, scored as the sum (as Whoosh does).
        parts = [_term(searcher, part, size) for part in query.subqueries]
        matched = np.logical_and.reduce([found.matched for found in parts])
        values = np.where(matched, np.sum([found.values for found in parts], axis=0), 0.0)
        return Scores(values * query.boost, matched)
    return _by_matcher(searcher, query, size)


def docs_mask(searcher: Searcher, query: q.Query | None, default: bool) -> np.ndarray:
    """True for each document matching ``query`` (all ``default`` when there is none)."""
    size = searcher.reader().doc_count_all()
    if query is None:
        return np.full(size, default, dtype=bool)
    mask = np.zeros(size, dtype=bool)
    docs = np.fromiter(searcher.docs_for_query(query), dtype=np.int64)
    mask[docs] = True
    return mask


def top(values: np.ndarray, eligible: np.ndarray, limit: int) -> np.ndarray:
    """Document numbers of the ``limit`` best eligible scores, best first (ties: lower first)."""
    candidates = np.flatnonzero(eligible)
    if len(candidates) > limit:
        # The limit-th best score; everything scoring more is in, ties at it by document number.
        cut = -np.partition(-values[candidates], limit - 1)[limit - 1]
        candidates = candidates[values[candidates] >= cut]
    order = np.lexsort((candidates, -values[candidates]))
    return candidates[order][:limit]
