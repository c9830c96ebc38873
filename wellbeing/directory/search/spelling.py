"""Spelling help that is honest: only words that are not real words are corrected.

A word is left alone when the index knows it, when it is in a dictionary of real words (the
synonyms, and an English word list from ``pyspellchecker``), or when it is short. Otherwise it is
replaced by the closest word of the directory's own listings (Damerau-Levenshtein distance, so
"lonley" is one step from "lonely"), and the page says which words it searched for instead.
"""

import time
from functools import cache

from sqlalchemy import select
from whoosh import query as q
from whoosh.searching import Searcher

from wellbeing.directory.models import Address, Area, Neighbourhood
from wellbeing.directory.search.index import STEMMED
from wellbeing.directory.search.query import MAX_WORD_CHARS, MAX_WORDS, REQUEST_WORDS, known
from wellbeing.directory.search.synonyms import Synonyms, words
from wellbeing.directory.search.vectors import app_key
from wellbeing.extensions import db

MIN_LENGTH = 4  # shorter words are too easily "corrected" into other real words
CANDIDATES = 20
MAX_CORRECTIONS = 3  # a query of twenty made-up words costs no more than one of three
PLACES_TTL_S = 60.0  # place names change rarely: read them again a minute later


@cache
def _english() -> frozenset[str]:
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(distance=1).word_frequency.keys())


_vocabularies: dict[int, tuple[Synonyms, frozenset[str]]] = {}


def _vocabulary(synonyms: Synonyms) -> frozenset[str]:
    """Every word of the synonyms (worked out once per synonyms map)."""
    cached = _vocabularies.get(id(synonyms))
    if cached is None or cached[0] is not synonyms:
        found: set[str] = set()
        for key, alternates in synonyms.items():
            found.update(key)
            for alternate in alternates:
                found.update(words(alternate))
        cached = _vocabularies[id(synonyms)] = (synonyms, frozenset(found))
    return cached[1]


def is_real_word(searcher: Searcher, word: str, synonyms: Synonyms) -> bool:
    """In the index (any form), the synonyms, or the English word list."""
    if len(word) < MIN_LENGTH or not word.isalpha() or word in REQUEST_WORDS:
        return True
    stems = [token.text for token in STEMMED(word)]
    if not stems or any(known(searcher.reader(), s) for s in stems):
        return True
    return word in _english() or word in _vocabulary(synonyms)


def has_meaning(text: str, synonyms: Synonyms) -> bool:
    """Whether the text holds a word the meaning-based search can go on: a real English word
    (or one of the synonyms) that is neither a word of any request for help ("I need help") nor
    the name of a place. "xyzzy plugh" has none, and "Tetbury" is a place, not a meaning: its
    nearest listings by meaning are in Tewkesbury."""
    places = place_words()
    english, vocabulary = _english(), _vocabulary(synonyms)
    return any(
        len(word) >= 3
        and word not in REQUEST_WORDS
        and word not in places
        and (word in english or word in vocabulary)
        for word in words(text)[:MAX_WORDS]
    )


_places: dict[str, tuple[float, frozenset[str]]] = {}


def place_words() -> frozenset[str]:
    """Words of the directory's place names: areas, neighbourhoods, towns and regions."""
    key = app_key()
    cached = _places.get(key)
    if cached is not None and time.monotonic() - cached[0] < PLACES_TTL_S:
        return cached[1]
    names = [
        *db.session.execute(select(Area.name)).scalars(),
        *db.session.execute(select(Neighbourhood.name)).scalars(),
        *db.session.execute(select(Address.city).distinct()).scalars(),
        *db.session.execute(select(Address.region).distinct()).scalars(),
    ]
    found = frozenset(word for name in names if name for word in words(name)) - REQUEST_WORDS
    _places[key] = (time.monotonic(), found)
    return found


def distance(a: str, b: str) -> int:
    """Edits from a to b, counting a swap of two neighbouring letters as one (optimal string
    alignment distance)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _closest(searcher: Searcher, word: str, synonyms: Synonyms) -> str | None:
    """The nearest word that finds something: a word of the listings, or of the synonyms (which
    lead to listings); fewest edits first, then the same first letter, then the commonest."""
    reader = searcher.reader()
    listed = searcher.corrector("spelling").suggest(word, limit=CANDIDATES, maxdist=2)
    letters = set(word)
    vocabulary = [
        v
        for v in _vocabulary(synonyms)
        if abs(len(v) - len(word)) <= 2 and len(letters.symmetric_difference(v)) <= 4
    ]
    best: tuple[int, int, int, str] | None = None
    for candidate in {*listed, *vocabulary}:
        edits = distance(word, candidate)
        if edits == 0 or edits > (1 if len(word) < 6 else 2):
            continue
        live = reader.doc_frequency("spelling", candidate)
        # Words of deleted documents stay in the index until a merge: skip those.
        if candidate in listed and not any(searcher.docs_for_query(q.Term("spelling", candidate))):
            continue
        rank = (edits, candidate[0] != word[0], -live, candidate)
        if best is None or rank < best:
            best = rank
    return best[3] if best else None


def correct(searcher: Searcher, text: str, synonyms: Synonyms) -> str | None:
    """The text with each word that is not a real word replaced by the closest listed word;
    None when nothing needed correcting (or nothing close was found)."""
    typed = list(words(text))[:MAX_WORDS]
    corrected = []
    tries = 0
    for word in typed:
        if (
            tries >= MAX_CORRECTIONS
            or len(word) > MAX_WORD_CHARS
            or is_real_word(searcher, word, synonyms)
        ):
            corrected.append(word)
        else:
            tries += 1
            corrected.append(_closest(searcher, word, synonyms) or word)
    return " ".join(corrected) if corrected != typed else None
