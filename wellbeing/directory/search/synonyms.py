"""The search synonyms map, kept as data in seed_data/synonyms.txt (``word: alt1, alt2, ...``).

A query for ``word`` also matches each alternate; keys and alternates may be phrases. The file
is read once per process and again whenever it changes on disk.
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


def parse_synonyms(lines: list[str]) -> Synonyms:
    """Parse ``word: alt1, alt2`` lines; comments (#) and blank lines are skipped."""
    synonyms: Synonyms = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, colon, alternates = line.partition(":")
        if not colon or not words(key):
            logger.warning("synonyms line %d has no 'word:' before the alternates; skipped", number)
            continue
        found = [alt.strip().lower() for alt in alternates.split(",") if words(alt)]
        synonyms.setdefault(words(key), []).extend(found)
    return synonyms


def load_synonyms(path: Path) -> Synonyms:
    """The synonyms in ``path``, re-read only when the file has changed."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        logger.warning("synonyms file %s not found; searching without synonyms", path)
        return {}
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, parse_synonyms(path.read_text(encoding="utf-8").splitlines()))
        _cache[path] = cached
    return cached[1]


def current_synonyms() -> Synonyms:
    """The synonyms for this app (config ``WELLBEING_SYNONYMS_FILE``, default seed_data/)."""
    return load_synonyms(Path(current_app.config["WELLBEING_SYNONYMS_FILE"]))
