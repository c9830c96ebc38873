"""The search synonyms map, kept as data in seed_data/synonyms.txt.

``word: alt1, alt2`` works both ways: a query for ``word`` also matches each alternate, and a query
for an alternate also matches ``word`` ("befriending" finds what "lonely" finds). ``word -> alt``
works one way only, for an alternate too broad to stand for the word ("computer -> phone").
Keys and alternates may be phrases. The file is read once per process and again whenever it
changes on disk.
"""

import logging
import re
from pathlib import Path

from flask import current_app

WORD_RE = re.compile(r"[\w']+")

logger = logging.getLogger(__name__)

Synonyms = dict[tuple[str, ...], list[str]]
_cache: dict[Path, tuple[float, Synonyms]] = {}


def words(text: str) -> tuple[str, ...]:
    """Lower-case words of a phrase, so "Men's Shed" and "men's  shed" are the same key."""
    return tuple(WORD_RE.findall(text.lower()))


def _split(line: str) -> tuple[str, str, bool] | None:
    """(key, alternates, both ways) of one line, or None when it has neither ':' nor '->'."""
    key, arrow, alternates = line.partition("->")
    if arrow and words(key):
        return key, alternates, False
    key, colon, alternates = line.partition(":")
    if colon and words(key):
        return key, alternates, True
    return None


def parse_synonyms(lines: list[str], both_ways: bool = False) -> Synonyms:
    """Parse ``word: alt1, alt2`` and ``word -> alt`` lines; comments (#) and blank lines are
    skipped. With ``both_ways``, each ``:`` alternate also leads back to its word."""
    synonyms: Synonyms = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = _split(line)
        if parts is None:
            logger.warning("synonyms line %d has no 'word:' before the alternates; skipped", number)
            continue
        key, alternates, two_way = parts
        found = [alt.strip().lower() for alt in alternates.split(",") if words(alt)]
        _add(synonyms, words(key), found)
        if both_ways and two_way:
            for alternate in found:
                _add(synonyms, words(alternate), [" ".join(words(key))])
    return synonyms


def _add(synonyms: Synonyms, key: tuple[str, ...], alternates: list[str]) -> None:
    known = synonyms.setdefault(key, [])
    known.extend(alt for alt in alternates if alt not in known and words(alt) != key)


def load_synonyms(path: Path) -> Synonyms:
    """The synonyms in ``path``, re-read only when the file has changed."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        logger.warning("synonyms file %s not found; searching without synonyms", path)
        return {}
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        lines = path.read_text(encoding="utf-8").splitlines()
        cached = (mtime, parse_synonyms(lines, both_ways=True))
        _cache[path] = cached
    return cached[1]


def current_synonyms() -> Synonyms:
    """The synonyms for this app (config ``WELLBEING_SYNONYMS_FILE``, default seed_data/)."""
    return load_synonyms(Path(current_app.config["WELLBEING_SYNONYMS_FILE"]))
