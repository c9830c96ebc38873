"""How long ``load_directory_seed`` takes: into an empty database, and again over itself.

Run: ``.venv/bin/python bench/directory_seed.py [ROUNDS]`` (a temporary SQLite database; set
``BENCH_DATABASE_URL`` to measure PostgreSQL). The target is under 0.5 s for a first load on SQLite,
as tests load the seed often. Commit time is reported apart: it includes the search index update.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask_migrate import upgrade

from wellbeing import create_app
from wellbeing.config import TestConfig
from wellbeing.directory.seed import load_directory_seed
from wellbeing.extensions import db


def empty_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(rounds: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="wellbeing-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    app = create_app(TestConfig(url, str(workdir / "index")))
    with app.app_context():
        upgrade()
        results: dict[str, list[float]] = {"first load": [], "commit": [], "reload": []}
        for _ in range(rounds + 1):  # the first round warms caches and is not counted
            empty_tables()
            first = timed(lambda: (load_directory_seed(), db.session.flush()))
            commit = timed(db.session.commit)
            reload = timed(lambda: (load_directory_seed(), db.session.flush()))
            db.session.commit()
            for name, seconds in zip(results, (first, commit, reload), strict=True):
                results[name].append(seconds)
        for name, seconds in results.items():
            print(f"{name:>10}: median {statistics.median(seconds[1:]):.3f} s over {rounds} rounds")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
