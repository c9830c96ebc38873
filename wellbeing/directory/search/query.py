"""From what someone typed to a Whoosh query: meaningful words, word forms, synonyms, phrases.

The query is forgiving: a service matching any meaningful word (or synonym group such as
"low mood") is a candidate, and ranking prefers services that match more of them, in the name and
taxonomy terms, and as a phrase. Words that carry no meaning in a request for help ("I", "my",
"someone", "feel", "problems", "support for") are left out, unless nothing else was typed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup
from whoosh import query as q
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.lang.morph_en import variations
from whoosh.lang.porter import stem
from whoosh.reading import IndexReader

from wellbeing.directory.search.index import STEMMED
from wellbeing.directory.search.synonyms import Synonyms, words

TEXT_FIELDS = ("name", "terms", "body")
# Synonyms stand for a kind of help, which names and taxonomy terms carry; leaving the long
# descriptions to the typed words keeps a query's postings (and its time) small.
SYNONYM_FIELDS = ("name", "terms")
SYNONYM_BOOST = 0.6  # what was typed outranks what it stands for
PHRASE_BOOST = 1.5  # typed words side by side in a name
COMMON_SHARE = 0.2  # a word in more than this share of descriptions is not searched in them
MAX_QUERY_CHARS = 200  # what we search of a longer text (people are told it was cut)
MAX_WORDS = 20
MAX_WORD_CHARS = 25  # no English word forms beyond this: their expansion grows very fast
# The words of a request for help that say nothing about what is needed.
_REQUEST_WORDS_TEXT = """
    a about after all also am an and any anyone anything are around as at be been being but
    by can could did do does doing dont feel feeling feelings feels felt find for from get
    getting going got had has have having he help helping her here him his how i i'd i'll
    i'm i've id im in is isn't it it's its ive just like looking lot lots me more much my
    myself need needed needs near nearby of on or other our out please problem problems
    really she should since so some someone somebody something somewhere struggle struggling
    support supporting than that the their them then there they thing things think this
    those to too trouble try trying up us very want wanted wants was we were what when where
    which who with would you your
"""
REQUEST_WORDS = frozenset(_REQUEST_WORDS_TEXT.split())
Any = q.Or  # a part matching any of its words; scoring.score sums its parts


@dataclass
class Group:
    """One meaningful word or synonym phrase as typed, with the alternatives that stand for it."""

    typed: tuple[str, ...]
    alternates: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class TextQuery:
    """The Whoosh query for the words, and the groups it is made of (for coverage and spelling)."""

    query: q.Query
    groups: list[tuple[Group, q.Query]]
    bonus: q.Query | None = None  # typed words side by side in a name (part of ``query``)


def cut(text: str) -> tuple[str, bool]:
    """The text as searched: at most MAX_QUERY_CHARS, cut at a word boundary; and whether cut."""
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    head = text[:MAX_QUERY_CHARS]
    return (head.rsplit(" ", 1)[0] if " " in head else head), True


def _stem_key(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(stem(token) for token in tokens)


_keys: dict[int, tuple[Synonyms, dict[tuple[str, ...], tuple[str, ...]], int]] = {}


def _stemmed_keys(synonyms: Synonyms) -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """The synonyms' keys by their stems, and the longest key's length (once per synonyms map)."""
    cached = _keys.get(id(synonyms))
    if cached is None or cached[0] is not synonyms:
        keys = {_stem_key(key): key for key in synonyms}
        cached = (synonyms, keys, max((len(key) for key in keys), default=1))
        _keys.clear()  # the map in use now is the only one asked for again
        _keys[id(synonyms)] = cached
    return cached[1], cached[2]


def groups(text: str, synonyms: Synonyms) -> list[Group]:
    """Meaningful words of the query, each with its alternates; longest synonym key first."""
    tokens = list(words(text))[: MAX_WORDS * 2]
    keys, longest = _stemmed_keys(synonyms)
    found: list[Group] = []
    start = 0
    while start < len(tokens):
        for size in range(min(longest, len(tokens) - start), 0, -1):
            typed = tuple(tokens[start : start + size])
            key = keys.get(_stem_key(typed))
            if key is not None or size == 1:
                alternates = [words(alt) for alt in synonyms.get(key, [])] if key else []
                found.append(Group(typed, alternates))
                start += size
                break
    meaningful = [g for g in found if len(g.typed) > 1 or g.typed[0] not in REQUEST_WORDS]
    return (meaningful or found)[:MAX_WORDS]


def known(reader: IndexReader, token: str) -> bool:
    return any((field, token) in reader for field in TEXT_FIELDS)


def _word_forms(reader: IndexReader, word: str) -> list[str]:
    """Stems of the word, and of its English forms that occur in the index when the stem itself
    does not ("singers" stems to "singer", which finds nothing; "singing" does)."""
    own = [token.text for token in STEMMED(word)]
    if not own or len(word) > MAX_WORD_CHARS or any(known(reader, token) for token in own):
        return own  # a stop word (none), a word too long to vary, or one the index knows
    forms = {token.text for form in variations(word) for token in STEMMED(form)}
    return own + sorted(form for form in forms - set(own) if known(reader, form))


def _too_common(reader: IndexReader, field: str, token: str) -> bool:
    """A word in a large share of descriptions ("group", "people") tells little there, and
    scoring its every posting would cost the most; names and needs still count it."""
    if field != "body":
        return False
    return reader.doc_frequency(field, token) > COMMON_SHARE * max(reader.doc_count(), 1)


def _alternative(
    reader: IndexReader, phrase: tuple[str, ...], boost: float, fields: tuple[str, ...]
) -> q.Query | None:
    if len(phrase) == 1:
        forms = _word_forms(reader, phrase[0])
        if not forms:
            return None
        terms = [(f, form) for f in fields for form in forms]
        telling = [(f, form) for f, form in terms if not _too_common(reader, f, form)]
        return Any([q.Term(f, form, boost=boost) for f, form in telling or terms])
    tokens = [token.text for token in STEMMED(" ".join(phrase))]
    if not tokens:
        return None
    if len(tokens) == 1:
        return Any([q.Term(field, tokens[0], boost=boost) for field in fields])
    # A phrase in the short fields; in a description, its words anywhere (checking positions
    # there costs more than it adds), unless even its rarest word is in most descriptions:
    # "meet people" is in nearly every one, so there it tells nothing.
    return Any(
        [
            q.Phrase(field, tokens, boost=boost)
            if field != "body"
            else q.And([q.Term(field, token) for token in tokens], boost=boost)
            for field in fields
            if field != "body" or not all(_too_common(reader, field, t) for t in tokens)
        ]
    )


def _group_query(reader: IndexReader, group: Group) -> q.Query | None:
    options = [_alternative(reader, group.typed, 1.0, TEXT_FIELDS)]
    options += [
        _alternative(reader, alternate, SYNONYM_BOOST, SYNONYM_FIELDS)
        for alternate in group.alternates
    ]
    # Alternates often share word forms ("lung", "lungs"; "sing" as typed and as a synonym):
    # each term is scored once, where it first appears (what was typed comes first).
    seen: set[object] = set()
    present = []
    for option in options:
        parts = option.subqueries if isinstance(option, Any) else [option] if option else []
        fresh = [part for part in parts if _identity(part) not in seen]
        seen.update(_identity(part) for part in fresh)
        if fresh:
            present.append(Any(fresh) if len(fresh) > 1 else fresh[0])
    return Any(present) if present else None


def _identity(part: q.Query) -> object:
    """What a part matches, whatever its boost."""
    return (part.fieldname, part.text) if isinstance(part, q.Term) else part


def _phrase_bonus(found: list[Group]) -> q.Query | None:
    """Typed words that stand side by side in a name score a little more."""
    tokens = [t.text for g in found if len(g.typed) == 1 for t in STEMMED(g.typed[0])]
    if len(tokens) < 2:
        return None
    return q.Phrase("name", tokens, slop=2, boost=PHRASE_BOOST)


def text_query(reader: IndexReader, text: str, synonyms: Synonyms) -> TextQuery | None:
    """The query for the typed text, or None when it holds no searchable word."""
    parts = []
    for group in groups(text, synonyms):
        group_q = _group_query(reader, group)
        if group_q is not None:
            parts.append((group, group_q))
    if not parts:
        return None
    subqueries = [group_q for _, group_q in parts]
    bonus = _phrase_bonus([group for group, _ in parts])
    if bonus is not None:
        subqueries.append(bonus)
    whole = subqueries[0] if len(subqueries) == 1 else q.Or(subqueries)
    return TextQuery(whole, parts, bonus)


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
