"""Search relevance over the seed directory, with judged queries: words, meaning, and both.

    .venv/bin/python bench/relevance.py              # the three modes, figures only
    .venv/bin/python bench/relevance.py --misses     # also each query whose top 3 missed

The judged set (bench/relevance_queries.json) holds resident- and GP-style queries: plain words,
sentences, needs described as feelings, misspellings and clinical terms, each with the services
that should come first (grade 2) or are reasonably relevant (grade 1). For each search mode it
prints success@3 (a relevant service in the top 3), MRR@10, nDCG@10 and the share of queries
with no results at all. The directory is seed_data/ loaded into a temporary SQLite database.
"""

import argparse
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from wellbeing import create_app  # noqa: E402
from wellbeing.config import TestConfig  # noqa: E402
from wellbeing.directory.search.finder import find_services  # noqa: E402
from wellbeing.directory.search.index import rebuild  # noqa: E402
from wellbeing.directory.search.vectors import embed_pending, model_status  # noqa: E402
from wellbeing.directory.seed import load_directory_seed  # noqa: E402
from wellbeing.extensions import db  # noqa: E402

JUDGED = Path(__file__).resolve().parent / "relevance_queries.json"
MODES = ("lexical", "semantic", "hybrid")
DEPTH = 10


@dataclass
class Scores:
    success_at_3: float
    mrr_at_10: float
    ndcg_at_10: float
    zero_rate: float
    ms_per_query: float


def ndcg(ranked: list[str], grades: dict[str, int]) -> float:
    gains = [grades.get(service_id, 0) for service_id in ranked[:DEPTH]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(grades.values(), reverse=True)[:DEPTH]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(queries: list[dict], misses: bool) -> Scores:
    success = reciprocal = gain = zero = 0.0
    started = time.perf_counter()
    for judged in queries:
        results = find_services(judged["query"], per_page=DEPTH)
        ranked = [hit.service.id for hit in results.items]
        grades = judged["relevant"]
        first = next((i for i, sid in enumerate(ranked) if sid in grades), None)
        success += first is not None and first < 3
        reciprocal += 1 / (first + 1) if first is not None else 0.0
        gain += ndcg(ranked, grades)
        zero += not ranked
        if misses and (first is None or first >= 3):
            names = [hit.service.name for hit in results.items[:3]]
            fixed = f" (as {results.suggestion!r})" if results.suggestion else ""
            print(f"    miss: {judged['query']!r}{fixed} -> {names}")
    count = len(queries)
    elapsed_ms = (time.perf_counter() - started) * 1000 / count
    return Scores(success / count, reciprocal / count, gain / count, zero / count, elapsed_ms)


def seeded_app(folder: Path) -> Flask:
    config = TestConfig(f"sqlite:///{folder / 'relevance.db'}", str(folder / "index"))
    config.WELLBEING_EMBEDDINGS = "inline"
    app = create_app(config)
    with app.app_context():
        upgrade()
        for _line in load_directory_seed():
            pass
        db.session.commit()
        rebuild()
        _status, embedder = model_status(app)
        if embedder is None:
            print(f"Meaning-based search is off ({_status.detail}): semantic scores will be 0")
        else:
            embed_pending(embedder)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list queries missing the top 3")
    parser.add_argument("--mode", choices=MODES, action="append", help="only these modes")
    args = parser.parse_args()
    queries = json.loads(JUDGED.read_text(encoding="utf-8"))["queries"]
    kinds: dict[str, int] = {}
    for judged in queries:
        kinds[judged["kind"]] = kinds.get(judged["kind"], 0) + 1
    print(f"{len(queries)} judged queries: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    with tempfile.TemporaryDirectory() as folder:
        app = seeded_app(Path(folder))
        print(
            f"{'mode':<10} {'success@3':>10} {'MRR@10':>8} {'nDCG@10':>8} {'zero':>6} {'ms/q':>6}"
        )
        for mode in args.mode or MODES:
            app.config["WELLBEING_SEARCH_MODE"] = mode
            with app.app_context():
                scores = evaluate(queries, args.misses)
            print(
                f"{mode:<10} {scores.success_at_3:>10.3f} {scores.mrr_at_10:>8.3f} "
                f"{scores.ndcg_at_10:>8.3f} {scores.zero_rate:>6.3f} {scores.ms_per_query:>6.1f}"
            )


if __name__ == "__main__":
    main()
