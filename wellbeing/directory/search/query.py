"""From what someone typed to a Whoosh query: word forms, synonyms, spelling and highlights.

Each word (or synonym phrase such as "low mood") becomes a group of alternatives; a service must
match every group, in any of the text fields. "singers" also looks for "singing" (English word
forms), "lonely" also for "befriending" (the synonyms map).
"""

from collections.abc import Iterable

from markupsafe import Markup
from whoosh import query as q
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.lang.morph_en import variations
from whoosh.lang.porter import stem
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from wellbeing.directory.search.index import STEMMED
from wellbeing.directory.search.synonyms import Synonyms, words

TEXT_FIELDS = ("name", "terms", "body")
SYNONYM_BOOST = 0.6  # what was typed outranks what it stands for
MAX_WORDS = 20
# Every match is collected (filters and sorting happen afterwards), so load each alternative's
# matches into one array rather than stepping a tree of matchers through them.
Any = q.PreloadedOr


def _stem_key(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(stem(token) for token in tokens)


def groups(text: str, synonyms: Synonyms) -> list[list[tuple[str, ...]]]:
    """Words of the query, each with its alternates: longest synonym key first ("low mood")."""
    tokens = list(words(text))[:MAX_WORDS]
    keys = {_stem_key(key): key for key in synonyms}
    longest = max((len(key) for key in keys), default=1)
    found: list[list[tuple[str, ...]]] = []
    start = 0
    while start < len(tokens):
        for size in range(min(longest, len(tokens) - start), 0, -1):
            typed = tuple(tokens[start : start + size])
            key = keys.get(_stem_key(typed))
            if key is not None or size == 1:
                alternates = [words(alt) for alt in synonyms.get(key, [])] if key else []
                found.append([typed, *alternates])
                start += size
                break
    return found


def _known(reader: IndexReader, token: str) -> bool:
    return any((field, token) in reader for field in TEXT_FIELDS)


def _word_forms(reader: IndexReader, word: str) -> list[str]:
    """Stems of the word and of its English forms that occur in the index (at least the stem)."""
    own = [token.text for token in STEMMED(word)]
    if not own:
        return []  # a stop word
    forms = {token.text for form in variations(word) for token in STEMMED(form)}
    return own + sorted(form for form in forms - set(own) if _known(reader, form))


def _alternative(reader: IndexReader, phrase: tuple[str, ...], boost: float) -> q.Query | None:
    if len(phrase) == 1:
        forms = _word_forms(reader, phrase[0])
        if not forms:
            return None
        return Any([q.Term(f, form, boost=boost) for f in TEXT_FIELDS for form in forms])
    tokens = [token.text for token in STEMMED(" ".join(phrase))]
    if not tokens:
        return None
    if len(tokens) == 1:
        return Any([q.Term(field, tokens[0], boost=boost) for field in TEXT_FIELDS])
    return Any([q.Phrase(field, tokens, boost=boost) for field in TEXT_FIELDS])


def text_query(reader: IndexReader, text: str, synonyms: Synonyms) -> q.Query | None:
    """The query for the typed text, or None when it holds no searchable word."""
    parts = []
    for group in groups(text, synonyms):
        typed, *alternates = group
        options = [_alternative(reader, typed, 1.0)]
        options += [_alternative(reader, alternate, SYNONYM_BOOST) for alternate in alternates]
        options = [option for option in options if option is not None]
        if options:
            parts.append(Any(options))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else q.And(parts)


def suggest(searcher: Searcher, text: str) -> str | None:
    """The text with each word the index does not know replaced by the nearest word it does."""
    reader = searcher.reader()
    corrector = searcher.corrector("spelling")
    typed = list(words(text))[:MAX_WORDS]
    corrected = []
    for word in typed:
        stems = [token.text for token in STEMMED(word)]
        if not stems or len(word) < 3 or any(_known(reader, s) for s in stems):
            corrected.append(word)
            continue
        # Words of deleted documents stay in the index until a merge: skip those.
        candidates = corrector.suggest(word, limit=20, maxdist=2)
        live = (c for c in candidates if any(searcher.docs_for_query(q.Term("spelling", c))))
        corrected.append(next(live, word))
    return " ".join(corrected) if corrected != typed else None


class MarkFormatter(HtmlFormatter):
    """Matches wrapped in <mark>, everything else HTML-escaped (HtmlFormatter escapes)."""

    template = "<mark>%(t)s</mark>"

    def __init__(self) -> None:
        super().__init__(between=" … ")


def highlight_text(text: str, query: q.Query, field: str = "body") -> Markup | None:
    """A snippet of ``text`` around the words that matched, with <mark> tags; None when none did."""
    terms = {token for name, token in query.all_terms() if name == field}
    if not text or not terms:
        return None
    fragmenter = ContextFragmenter(maxchars=240, surround=60)
    snippet = highlight(text, terms, STEMMED, fragmenter, MarkFormatter(), top=2)
    return Markup(snippet) if snippet else None  # noqa: S704 - the formatter escaped the text
