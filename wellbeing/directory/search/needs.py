"""The needs behind the words: taxonomy terms whose meaning is nearest what was typed.

"I want to give something back to my community" names no listing's words, but its meaning is
close to the need "Volunteering"; "social isolation in older adults" to "Loneliness and social
connection". Services filed under the nearest needs form a third ranking beside the words and
the listings' own meaning. The terms are few, so their vectors are made in each process and
remade only when a term's name or description changes; the terms are read again at most once
every TERMS_TTL_S seconds, not for every search.
"""

import hashlib
import threading
import time

import numpy as np
from sqlalchemy import select

from wellbeing.directory.models import TaxonomyTerm
from wellbeing.directory.search.embeddings import DIMENSIONS, Embedder
from wellbeing.directory.search.vectors import app_key
from wellbeing.extensions import db

TERM_FLOOR = 0.3  # below this a need is not what was asked for
TERM_MARGIN = 0.1  # needs this far below the nearest one are left out
MAX_TERMS = 3
TERMS_TTL_S = 30.0

_cache: dict[str, tuple[list[str], np.ndarray]] = {}
_recent: dict[tuple[str, int], tuple[float, list[str], np.ndarray]] = {}
_lock = threading.Lock()


def _term_vectors(embedder: Embedder) -> tuple[list[str], np.ndarray]:
    key = (app_key(), id(embedder))
    recent = _recent.get(key)
    if recent is not None and time.monotonic() - recent[0] < TERMS_TTL_S:
        return recent[1], recent[2]
    ids, vectors = _read_term_vectors(embedder)
    _recent[key] = (time.monotonic(), ids, vectors)
    return ids, vectors


def _read_term_vectors(embedder: Embedder) -> tuple[list[str], np.ndarray]:
    rows = db.session.execute(
        select(TaxonomyTerm.id, TaxonomyTerm.name, TaxonomyTerm.description).order_by(
            TaxonomyTerm.id
        )
    ).all()
    texts = [f"{name}. {description or ''}".strip() for _, name, description in rows]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    cached = _cache.get(key)
    if cached is None:
        with _lock:
            vectors = embedder.embed(texts) if texts else np.zeros((0, DIMENSIONS), np.float32)
            _cache.clear()  # only the taxonomy as it is now is asked for again
            cached = _cache[key] = ([term_id for term_id, _, _ in rows], vectors)
    return cached


def nearest_needs(embedder: Embedder, query: np.ndarray) -> list[tuple[str, float]]:
    """(term id, cosine) of the needs nearest the query, best first."""
    ids, vectors = _term_vectors(embedder)
    if not ids:
        return []
    scores = vectors @ query
    order = np.argsort(-scores)[:MAX_TERMS]
    best = float(scores[order[0]])
    return [
        (ids[i], float(scores[i]))
        for i in order
        if scores[i] >= TERM_FLOOR and scores[i] >= best - TERM_MARGIN
    ]
