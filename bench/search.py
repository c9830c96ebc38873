"""Directory search benchmark: import, full reindex and query latency at 1,000 to 50,000 services.

    .venv/bin/python bench/search.py                 # 1,000 and 10,000 services
    .venv/bin/python bench/search.py 50000 --queries 100

Each size gets a fresh temporary SQLite database (or $BENCH_DATABASE_URL, which is EMPTIED first:
never point it at data you want to keep) and a fresh index.
Services are synthetic but realistic: names and descriptions from a vocabulary of activities,
needs and towns, with locations spread over synthetic outward codes (bench/places.py). They
go in through the real importer (ORUK JSON records), so the import rate includes validation and
the after-commit index updates. Queries run through find_services and through the /directory page.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.places import synthetic_places, write_places_csv  # noqa: E402
from wellbeing import create_app  # noqa: E402
from wellbeing.config import TestConfig  # noqa: E402
from wellbeing.directory.geo import import_postcodes  # noqa: E402
from wellbeing.directory.oruk.importer import Item, import_items, read_items  # noqa: E402
from wellbeing.directory.search.finder import ServiceFilters, find_services  # noqa: E402
from wellbeing.directory.search.index import rebuild  # noqa: E402
from wellbeing.extensions import db  # noqa: E402

SEED = REPO / "seed_data"
IMPORT_BATCH = 1000
NAMESPACE = uuid.UUID("6f0b7a52-3d0e-4c55-9a53-1f3e6f1d2b10")

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
WORD_QUERIES = ["singing", "lonely", "walking group", "debt advice", "art", "breathing", "carers"]


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


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def setup(app: Flask, count: int, rng: random.Random) -> tuple[list[str], dict[str, float]]:
    """Load reference data and ``count`` services; returns outcodes in use and the rates."""
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

    imported = timed(load)
    reindexed = timed(rebuild)
    rates = {"import": count / imported, "reindex": count / reindexed}
    return [place[0] for place in used_places], rates


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def query_cases(outcodes: list[str], rng: random.Random) -> dict[str, Callable[[], dict]]:
    """Each case returns find_services keyword arguments for one random query."""
    filters = ServiceFilters(free_only=True, evenings=True)
    return {
        "words": lambda: {"text": rng.choice(WORD_QUERIES)},
        "postcode+radius": lambda: {"postcode": rng.choice(outcodes), "radius_m": 8046.7},
        "words+postcode+filters": lambda: {
            "text": rng.choice(WORD_QUERIES),
            "postcode": rng.choice(outcodes),
            "radius_m": 8046.7,
            "filters": filters,
        },
    }


def page_args(arguments: dict) -> dict[str, str]:
    args = {"q": arguments.get("text", ""), "postcode": arguments.get("postcode", "")}
    if arguments.get("radius_m"):
        args["radius"] = "5"
    if arguments.get("filters"):
        args.update(free="y", evenings="y")
    return args


def measure(app: Flask, outcodes: list[str], queries: int, rng: random.Random) -> list[tuple]:
    client = app.test_client()
    has_page = any(rule.rule == "/directory" for rule in app.url_map.iter_rules())
    rows = []
    for name, make in query_cases(outcodes, rng).items():
        direct, page, totals = [], [], []
        for n in range(queries + 5):  # the first few warm caches up
            arguments = make()
            started = time.perf_counter()
            totals.append(find_services(**arguments, now=datetime.now(UTC)).total)
            elapsed = time.perf_counter() - started
            if n >= 5:
                direct.append(elapsed)
            if has_page:
                url = "/directory?" + urlencode(page_args(arguments))
                started = time.perf_counter()
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                if n >= 5:
                    page.append(time.perf_counter() - started)
        rows.append(
            (name, statistics.mean(totals), percentiles(direct), page and percentiles(page))
        )
    return rows


def run(count: int, queries: int) -> None:
    rng = random.Random(count)
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        app = create_app(TestConfig(url, f"{tmp}/index"))
        with app.app_context():
            if os.environ.get("BENCH_DATABASE_URL"):
                db.drop_all()
                db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
                db.session.commit()
            upgrade()
            outcodes, rates = setup(app, count, rng)
            rows = measure(app, outcodes, queries, rng)
            db.session.remove()
            db.engine.dispose()
    print(f"\n{count:,} services: import {rates['import']:,.0f}/s, "
          f"full reindex {rates['reindex']:,.0f}/s")  # fmt: skip
    print(
        f"{'query':<24}{'hits':>8}{'find p50':>10}{'find p95':>10}{'page p50':>10}{'page p95':>10}"
    )
    for name, hits, (p50, p95), page in rows:
        page_text = f"{page[0]:>10.1f}{page[1]:>10.1f}" if page else f"{'n/a':>10}{'n/a':>10}"
        print(f"{name:<24}{hits:>8.0f}{p50:>10.1f}{p95:>10.1f}{page_text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=50, help="queries per kind (default 50)")
    args = parser.parse_args()
    print("Latency in milliseconds; 'page' is GET /directory through the test client.")
    for size in args.sizes:
        run(size, args.queries)


if __name__ == "__main__":
    main()
