"""Directory search benchmark: import, full reindex and query latency at 1,000 to 50,000 services.

    .venv/bin/python bench/search.py                 # 1,000 and 10,000 services
    .venv/bin/python bench/search.py 50000           # about 9 minutes on 2 CPUs (see below)
    .venv/bin/python bench/search.py 1000 --queries 100 --no-page

At 50,000 nearly all the time is the import (with its after-commit index updates) and the full
reindex, which are what is measured; --no-page and fewer --queries only trim the query phase.

Each size gets a fresh temporary SQLite database (or $BENCH_DATABASE_URL, which is EMPTIED first:
never point it at data you want to keep) and a fresh index.
Services are synthetic but realistic: names and descriptions from a vocabulary of activities,
needs and towns, with locations spread over synthetic outward codes (bench/places.py). They
go in through the real importer (ORUK JSON records), so the import rate includes validation and
the after-commit index updates, but not embeddings: WELLBEING_EMBEDDINGS is set to "off" unless
it is already set (the script prints whether this version of the app reads it).

Queries are a mixed set (single words, residents' phrases, misspellings), each run through
find_services (page 1, 10 a page) alone, with a postcode, and as a postcode alone, and through the
/directory page. In the same run the same texts go through a bare Whoosh OR query on the same
index (its name/terms/body fields, limit 10): the floor that find_services is compared with.
Only numbers are printed; the targets are shown beside them, never enforced.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402
from whoosh import query as q  # noqa: E402

from bench.places import synthetic_places, write_places_csv  # noqa: E402
from wellbeing import create_app  # noqa: E402
from wellbeing.config import TestConfig  # noqa: E402
from wellbeing.directory.geo import import_postcodes  # noqa: E402
from wellbeing.directory.oruk.importer import Item, import_items, read_items  # noqa: E402
from wellbeing.directory.search.finder import ServiceFilters, find_services  # noqa: E402
from wellbeing.directory.search.index import open_index, rebuild  # noqa: E402
from wellbeing.extensions import db  # noqa: E402

SEED = REPO / "seed_data"
IMPORT_BATCH = 1000
NAMESPACE = uuid.UUID("6f0b7a52-3d0e-4c55-9a53-1f3e6f1d2b10")
EMBEDDINGS = "WELLBEING_EMBEDDINGS"

ACTIVITIES = [
    "singing", "walking", "gardening", "art", "cooking", "chair exercise", "dance", "woodwork",
    "swimming", "knitting", "reading", "photography", "yoga", "tai chi", "football", "cycling",
    "drumming", "pottery", "choir", "crafts", "running", "board games", "bowls", "ukulele",
]  # fmt: skip
NEEDS = [
    "loneliness", "low mood", "anxiety", "debt", "housing", "carers", "bereavement", "dementia",
    "diabetes", "COPD", "chronic pain", "weight", "employment", "digital skills", "food",
    "stress", "isolation", "recovery", "heart health", "memory loss",
]  # fmt: skip
FORMATS = ["group", "club", "café", "drop-in", "class", "circle", "workshop", "network"]
AUDIENCES = ["older people", "young people", "carers", "new parents", "men", "women", "everyone"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
TIMES = [("09:30", "11:30"), ("10:00", "12:00"), ("13:30", "15:30"), ("18:00", "20:00")]

# The mixed query set: what residents, GPs and link workers type.
TEXT_QUERIES = {
    "word": [
        "singing", "lonely", "walking group", "debt advice", "art", "breathing", "carers",
        "gardening", "yoga", "dementia",
    ],
    "phrase": [
        "I feel lonely and want to meet people",
        "something to get me out of the house",
        "help with money worries and debt",
        "gentle exercise for older people",
        "support for carers of someone with dementia",
        "feeling low since my wife died",
        "I want to learn to cook on a budget",
        "somewhere to talk about my anxiety",
    ],
    "misspelling": [
        "singng", "lonley", "gardning", "dementa", "bereavment", "anxeity", "excercise",
        "walkng group",
    ],
}  # fmt: skip
WORD_QUERIES = TEXT_QUERIES["word"]  # single words (and two-word searches), for bench/load.py
RADIUS_M = 8046.7  # 5 miles
PER_PAGE = 10
WARM_UP = 5  # queries run first in each case and not counted
BARE_FIELDS = ("name", "terms", "body")


def synthetic_service(n: int, rng: random.Random, places: list, terms: list) -> dict[str, Any]:
    """One ORUK service record, shaped like the seed data."""
    outcode, lat, lon, town = rng.choice(places)
    activity, need, form = rng.choice(ACTIVITIES), rng.choice(NEEDS), rng.choice(FORMATS)
    sid, lid = str(uuid.uuid5(NAMESPACE, f"s{n}")), str(uuid.uuid5(NAMESPACE, f"l{n}"))
    org = n // 5
    opens, closes = rng.choice(TIMES)
    term = rng.choice(terms)
    free = rng.random() < 0.6
    return {
        "id": sid,
        "name": f"{town} {activity.capitalize()} {form.capitalize()} {n}",
        "description": (
            f"A friendly {activity} {form} in {town} for {rng.choice(AUDIENCES)}. "
            f"Good for anyone living with {need} or {rng.choice(NEEDS)}; come along, meet people "
            f"and try {rng.choice(ACTIVITIES)} too. No experience needed."
        ),
        "status": "active" if rng.random() < 0.95 else "inactive",
        "last_modified": "2026-01-15T10:00:00Z",
        "self_referral": rng.random() < 0.8,
        "minimum_age": rng.choice([None, None, None, 18, 60, 11]),
        "organization": {
            "id": str(uuid.uuid5(NAMESPACE, f"o{org}")),
            "name": f"{town} Community Trust {org}",
            "description": "A local charity.",
        },
        "schedules": [
            {
                "id": str(uuid.uuid5(NAMESPACE, f"sc{n}")),
                "freq": "WEEKLY",
                "byday": ",".join(sorted(rng.sample(DAYS, rng.randint(1, 3)), key=DAYS.index)),
                "opens_at": opens,
                "closes_at": closes,
            }
        ],
        "cost_options": [
            {
                "id": str(uuid.uuid5(NAMESPACE, f"c{n}")),
                "option": "Free" if free else "Per session",
                "amount": 0 if free else 3.5,
            }
        ],
        "attributes": [
            {
                "id": str(uuid.uuid5(NAMESPACE, f"a{n}")),
                "taxonomy_term_id": term,
                "link_type": "service",
                "link_id": sid,
            }
        ],
        "service_at_locations": [
            {
                "id": str(uuid.uuid5(NAMESPACE, f"sal{n}")),
                "location": {
                    "id": lid,
                    "location_type": "physical",
                    "name": f"{town} Community Centre {n}",
                    "latitude": round(lat + rng.uniform(-0.02, 0.02), 6),
                    "longitude": round(lon + rng.uniform(-0.03, 0.03), 6),
                    "wheelchair_accessible": rng.random() < 0.7,
                    "addresses": [
                        {
                            "id": str(uuid.uuid5(NAMESPACE, f"ad{n}")),
                            "address_1": f"{rng.randint(1, 200)} High Street",
                            "city": town,
                            "state_province": town,
                            "postal_code": f"{outcode} {rng.randint(1, 9)}"
                            f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}",
                            "country": "GB",
                        }
                    ],
                },
            }
        ],
    }


def progress(message: str) -> None:
    print(f"  ... {message}", file=sys.stderr, flush=True)


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def setup(app: Flask, count: int, rng: random.Random) -> tuple[list[str], dict[str, float]]:
    """Load reference data and ``count`` services, then rebuild the index.

    Returns the outward codes in use, and the import and reindex rates (services/s) and seconds.
    """
    places = synthetic_places()
    with tempfile.TemporaryDirectory() as folder:
        import_postcodes(write_places_csv(places, Path(folder) / "places.csv"))
    import_items(read_items(SEED / "taxonomy.json"))
    db.session.commit()
    terms = [str(t) for t in db.session.execute(text("SELECT id FROM taxonomy_term")).scalars()]
    used_places = rng.sample(places, min(len(places), max(20, count // 25)))
    records = [synthetic_service(n, rng, used_places, terms) for n in range(count)]

    def load() -> None:
        for start in range(0, count, IMPORT_BATCH):
            chunk = records[start : start + IMPORT_BATCH]
            report = import_items([Item(f"record {n}", raw) for n, raw in enumerate(chunk)])
            if report.skipped:
                raise SystemExit(f"synthetic records were rejected: {report.skipped[:3]}")
            db.session.commit()  # the after-commit hook indexes the batch

    progress(f"importing {count:,} services")
    imported = timed(load)
    progress(f"rebuilding the index ({count / imported:,.0f} services/s imported)")
    reindexed = timed(rebuild)
    rates = {
        "import": count / imported,
        "import_s": imported,
        "reindex": count / reindexed,
        "reindex_s": reindexed,
    }
    return [place[0] for place in used_places], rates


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank), in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def mixed_texts(rng: random.Random) -> Iterator[tuple[str, str]]:
    """(kind, text) for ever: every query of the set in a shuffled order, then again."""
    every = [(kind, phrase) for kind, texts in TEXT_QUERIES.items() for phrase in texts]
    while True:
        rng.shuffle(every)
        yield from every


@dataclass
class Case:
    """One kind of search: find_services arguments to time, with the /directory page's."""

    name: str
    make: Callable[[], tuple[str, dict[str, Any]]]  # returns (text kind, find_services arguments)
    samples: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    page: list[float] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) timed, in order
    corrected: int = 0
    semantic: int = 0


def query_cases(outcodes: list[str], rng: random.Random) -> list[Case]:
    """Words alone, words and a postcode, a postcode alone, and words, postcode and filters."""
    texts = mixed_texts(rng)
    filters = ServiceFilters(free_only=True, evenings=True)

    def words() -> tuple[str, dict[str, Any]]:
        kind, phrase = next(texts)
        return kind, {"text": phrase}

    def near(arguments: dict[str, Any]) -> dict[str, Any]:
        # As the /directory page searches when a postcode is given: nearest first, within 5 miles.
        place = {"postcode": rng.choice(outcodes), "radius_m": RADIUS_M, "sort": "distance"}
        return arguments | place

    def words_near() -> tuple[str, dict[str, Any]]:
        kind, arguments = words()
        return kind, near(arguments)

    def words_near_filtered() -> tuple[str, dict[str, Any]]:
        kind, arguments = words_near()
        return kind, arguments | {"filters": filters}

    return [
        Case("words", words),
        Case("words+postcode", words_near),
        Case("postcode", lambda: ("place", near({}))),
        Case("words+postcode+filters", words_near_filtered),
    ]


def page_args(arguments: dict[str, Any]) -> dict[str, str]:
    args = {"q": arguments.get("text", ""), "postcode": arguments.get("postcode", "")}
    if arguments.get("radius_m"):
        args["radius"] = "5"
    if arguments.get("sort"):
        args["sort"] = arguments["sort"]
    if arguments.get("filters"):
        args.update(free="y", evenings="y")
    return args


def forget_query_vectors() -> None:
    """The app remembers recent queries' vectors (people page through results); the texts here
    repeat, so each timed search starts without them, as a new search would."""
    try:
        from wellbeing.directory.search.embeddings import _cached_query
    except ImportError:  # an app version without the cache
        return
    _cached_query.cache_clear()


def measure(
    app: Flask, outcodes: list[str], queries: int, pages: bool, rng: random.Random
) -> list[Case]:
    """Time ``queries`` searches of each case through find_services (and the /directory page)."""
    client = app.test_client()
    has_page = pages and any(rule.rule == "/directory" for rule in app.url_map.iter_rules())
    cases = query_cases(outcodes, rng)
    for case in cases:
        for n in range(queries + WARM_UP):
            kind, arguments = case.make()
            forget_query_vectors()  # each search pays for its query's embedding: no repeats
            started = time.perf_counter()
            results = find_services(**arguments, page=1, per_page=PER_PAGE, now=datetime.now(UTC))
            elapsed = time.perf_counter() - started
            if has_page:
                url = "/directory?" + urlencode(page_args(arguments))
                forget_query_vectors()
                page_started = time.perf_counter()
                response = client.get(url)
                page_elapsed = time.perf_counter() - page_started
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            if n < WARM_UP:
                continue
            case.samples.append(elapsed)
            case.by_kind.setdefault(kind, []).append(elapsed)
            case.totals.append(results.total)
            case.texts.append((kind, arguments.get("text", "")))
            case.corrected += bool(getattr(results, "suggestion", None))
            case.semantic += bool(getattr(results, "semantic", False))
            if has_page:
                case.page.append(page_elapsed)
    return cases


@dataclass
class Bare:
    """A bare Whoosh OR query over the index's own text fields: the floor for find_services."""

    fields: tuple[str, ...]
    samples: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    hits: list[int] = field(default_factory=list)


def measure_bare(texts: list[tuple[str, str]]) -> Bare:
    """Time the same texts as one Or of Terms (each field's own analyser), 10 results."""
    ix = open_index()
    schema = ix.schema
    bare = Bare(tuple(name for name in BARE_FIELDS if name in schema.names()))
    if not bare.fields:
        return bare

    def search(searcher: Any, phrase: str) -> int:
        terms = [
            q.Term(name, token)
            for name in bare.fields
            for token in dict.fromkeys(schema[name].process_text(phrase, mode="query"))
        ]
        results = searcher.search(q.Or(terms), limit=PER_PAGE)
        return len([hit.docnum for hit in results])

    with ix.searcher() as searcher:
        for _kind, phrase in texts[:WARM_UP]:
            search(searcher, phrase)
        for kind, phrase in texts:
            started = time.perf_counter()
            found = search(searcher, phrase)
            elapsed = time.perf_counter() - started
            bare.samples.append(elapsed)
            bare.by_kind.setdefault(kind, []).append(elapsed)
            bare.hits.append(found)
    return bare


def embeddings_note(app: Flask) -> str:
    if EMBEDDINGS in app.config:
        mode = app.config.get("WELLBEING_SEARCH_MODE")
        return f"{EMBEDDINGS}={app.config[EMBEDDINGS]}" + (f", search mode {mode}" if mode else "")
    return f"{EMBEDDINGS} is not a setting of this version of the app: import measured as it is"


def make_app(database_url: str, index_dir: str) -> Flask:
    """The app on this database and index, with embeddings off where the app has the setting.

    Set on the configuration itself: TestConfig may fix its own value whatever the environment.
    """
    os.environ.setdefault(EMBEDDINGS, "off")
    config = TestConfig(database_url, index_dir)
    if hasattr(config, EMBEDDINGS):
        setattr(config, EMBEDDINGS, os.environ[EMBEDDINGS])
    return create_app(config)


def empty_database() -> None:
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def ms(value: float | None, width: int = 10) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:>{width}.1f}"


def report(count: int, rates: dict[str, float], note: str, cases: list[Case], bare: Bare) -> None:
    print(
        f"\n{count:,} services: import {rates['import']:,.0f} services/s "
        f"({rates['import_s']:.1f} s), full reindex {rates['reindex_s']:.1f} s "
        f"({rates['reindex']:,.0f} services/s)"
    )
    print(f"embeddings: {note}")
    if "embedded" in rates:
        print(
            f"embedded {count:,} listings in {rates['embed_s']:.1f} s "
            f"({rates['embedded']:,.0f} listings/s, all cores); searches below use meaning too"
        )
    bare_p50, bare_p95 = percentiles(bare.samples) if bare.samples else (None, None)
    print(
        f"{'query (page 1, 10 a page)':<28}{'n':>5}{'hits':>8}{'find p50':>10}{'find p95':>10}"
        f"{'x bare':>8}{'page p50':>10}{'page p95':>10}"
    )
    for case in cases:
        p50, p95 = percentiles(case.samples)
        has_text = case.name.startswith("words")
        ratio = f"{p50 / bare_p50:>8.1f}" if has_text and bare_p50 else f"{'':>8}"
        page = percentiles(case.page) if case.page else (None, None)
        print(
            f"{case.name:<28}{len(case.samples):>5}{statistics.mean(case.totals):>8.0f}"
            f"{ms(p50)}{ms(p95)}{ratio}{ms(page[0])}{ms(page[1])}"
        )
    if bare_p50 is None:
        print(f"bare Whoosh OR: n/a (the index has none of the fields {', '.join(BARE_FIELDS)})")
        return
    print(
        f"{'bare Whoosh OR (words)':<28}{len(bare.samples):>5}{statistics.mean(bare.hits):>8.1f}"
        f"{ms(bare_p50)}{ms(bare_p95)}   (fields {'/'.join(bare.fields)}, limit 10)"
    )
    words = cases[0]
    print(f"{'words alone, by kind':<28}{'n':>5}{'':>8}{'find p50':>10}{'find p95':>10}"
          f"{'x bare':>8}{'bare p50':>10}{'bare p95':>10}")  # fmt: skip
    for kind, samples in words.by_kind.items():
        p50, p95 = percentiles(samples)
        b50, b95 = percentiles(bare.by_kind[kind])
        print(f"{'  ' + kind:<28}{len(samples):>5}{'':>8}{ms(p50)}{ms(p95)}"
              f"{p50 / b50:>8.1f}{ms(b50)}{ms(b95)}")  # fmt: skip
    misspelled = sum(1 for kind, _ in words.texts if kind == "misspelling")
    print(
        f"words alone: spelling corrected in {words.corrected} of {len(words.samples)} searches "
        f"({misspelled} misspelled); semantic retrieval in {words.semantic}"
    )
    p50, p95 = percentiles(words.samples)
    print(
        f"find_services words p50 / bare p50 = {p50 / bare_p50:.1f}x (target: within 5x at 10,000)"
    )
    print(f"find_services words p95 = {p95:.1f} ms (target: under 100 ms at 50,000)")


def embed_listings(app: Flask, rates: dict[str, float]) -> None:
    """Embed every listing (after the import, as the background embedder would), timed; then
    searches use meaning as well as words."""
    from wellbeing.directory.search.vectors import embed_pending, model_status

    app.config[EMBEDDINGS] = "inline"
    status, embedder = model_status(app, threads=os.cpu_count() or 1)
    if embedder is None:
        progress(f"meaning-based search is off: {status.detail}")
        return
    progress("embedding every listing")
    started = time.perf_counter()
    done = embed_pending(embedder)
    seconds = time.perf_counter() - started
    rates["embedded"], rates["embed_s"] = done / seconds if seconds else 0.0, seconds


def run(count: int, queries: int, pages: bool, embed: bool) -> dict[str, float]:
    rng = random.Random(count)
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        app = make_app(url, f"{tmp}/index")
        with app.app_context():
            if os.environ.get("BENCH_DATABASE_URL"):
                empty_database()
            upgrade()
            outcodes, rates = setup(app, count, rng)
            if embed:
                embed_listings(app, rates)
            progress(f"timing {queries} queries of each kind")
            cases = measure(app, outcodes, queries, pages, rng)
            bare = measure_bare(cases[0].texts)
            db.session.remove()
            db.engine.dispose()
    report(count, rates, embeddings_note(app), cases, bare)
    p50, p95 = percentiles(cases[0].samples)
    bare_p50 = percentiles(bare.samples)[0] if bare.samples else None
    return rates | {"p50": p50, "p95": p95, "ratio": p50 / bare_p50 if bare_p50 else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=50, help="queries per kind (default 50)")
    parser.add_argument(
        "--no-page", dest="pages", action="store_false", help="skip the /directory page timings"
    )
    parser.add_argument(
        "--embed-up-to",
        type=int,
        default=10_000,
        help="embed the listings (timed) and search by meaning too, up to this many services "
        "(default 10,000: embedding runs at about 100 listings a second on 2 cores)",
    )
    args = parser.parse_args()
    print("Latency in milliseconds; 'page' is GET /directory through the test client.")
    summary = {
        size: run(size, args.queries, args.pages, size <= args.embed_up_to) for size in args.sizes
    }
    if len(summary) > 1:
        print(f"\n{'services':>10}{'import/s':>10}{'reindex s':>11}{'words p50':>11}"
              f"{'words p95':>11}{'x bare':>8}")  # fmt: skip
        for size, row in summary.items():
            print(f"{size:>10,}{row['import']:>10,.0f}{row['reindex_s']:>11.1f}"
                  f"{row['p50']:>11.1f}{row['p95']:>11.1f}{row['ratio']:>8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
