"""Pytest plugin: ``seeded_directory`` loads seed_data/ (taxonomy, areas, postcodes, services)."""

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import Integer, Table, func, text

from wellbeing.config import REPO_ROOT
from wellbeing.directory.models import Area, Location, Organization, Service, TaxonomyTerm
from wellbeing.directory.search.verify import verify_index
from wellbeing.directory.seed import load_directory_seed
from wellbeing.extensions import db

# The ORUK 3.0 example files (BSD-3), carried in tests/data/ with their licence.
ORUK_EXAMPLES = REPO_ROOT / "tests" / "data" / "oruk-3.0" / "examples"
ImportFile = Callable[[Any], Result]


@dataclass(frozen=True)
class SeededDirectory:
    services: int
    organizations: int
    locations: int
    taxonomy_terms: int
    areas: int
    lines: tuple[str, ...]  # what load_directory_seed reported


def count(model: type) -> int:
    return db.session.execute(db.select(func.count()).select_from(model)).scalar_one()


@dataclass
class _Snapshot:
    """The seeded tables' rows and a copy of the index built from them, made once per run."""

    rows: dict[str, list[dict[str, Any]]]
    index: Path
    lines: tuple[str, ...]


def _take_snapshot(app: Flask, index_copy: Path) -> _Snapshot:
    lines = load_directory_seed()
    db.session.commit()  # builds the search index from the queue, as in production
    report = verify_index()
    assert not (report.missing or report.stale or report.extra or report.queued), report
    rows = {
        table.name: _parents_first(
            table, [dict(row) for row in db.session.execute(table.select()).mappings()]
        )
        for table in _directory_tables()
    }
    shutil.copytree(app.config["WELLBEING_INDEX_DIR"], index_copy)
    return _Snapshot({name: r for name, r in rows.items() if r}, index_copy, tuple(lines))


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself (a taxonomy term's parent), each after the row it
    refers to, so that restoring them in order never breaks a foreign key (PostgreSQL checks
    each insert); the database may return them in any order."""
    links = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not links:
        return rows
    placed: set[tuple[str, object]] = set()
    ordered: list[dict[str, Any]] = []
    waiting = list(rows)
    while waiting:
        ready = [
            row
            for row in waiting
            if all(row[child] is None or (parent, row[child]) in placed for child, parent in links)
        ]
        if not ready:  # a cycle, or a parent outside the table: keep the rest as they came
            return ordered + waiting
        for row in ready:
            ordered.append(row)
            placed.update((parent, row[parent]) for _, parent in links)
        waiting = [row for row in waiting if row not in ready]
    return ordered


DIRECTORY_MODULES = (
    "wellbeing.directory.models",
    "wellbeing.directory.geo",
    "wellbeing.directory.search.vectors",
)


def _directory_tables() -> list[Table]:
    """The directory's tables, parents first (other tables may hold a test's own rows)."""
    names = {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        # The directory's tables (postcodes are in geo, embeddings beside the index), not the
        # search index's queue.
        if mapper.class_.__module__
        in (
            "wellbeing.directory.models",
            "wellbeing.directory.geo",
            "wellbeing.directory.search.vectors",
        )
    }
    return [table for table in db.metadata.sorted_tables if table.name in names]


def _restore(app: Flask, snapshot: _Snapshot) -> None:
    """Put the snapshot back: much faster than importing and indexing 67 services per test."""
    for table in _directory_tables():
        if table.name in snapshot.rows:
            db.session.execute(table.insert(), snapshot.rows[table.name])
    if db.engine.dialect.name == "postgresql":  # explicit ids leave sequences behind
        for table in _directory_tables():
            pk = list(table.primary_key.columns)
            if table.name in snapshot.rows and len(pk) == 1 and isinstance(pk[0].type, Integer):
                table_name, column = table.name, pk[0].name
                sql = f"SELECT setval(pg_get_serial_sequence('{table_name}', '{column}'), "
                sql += f'(SELECT max("{column}") FROM "{table_name}"))'  # noqa: S608 - our names
                db.session.execute(text(sql))
    db.session.commit()
    shutil.copytree(snapshot.index, app.config["WELLBEING_INDEX_DIR"], dirs_exist_ok=True)


@pytest.fixture(scope="session")
def _seed_snapshots() -> dict[str, _Snapshot]:
    return {}


@pytest.fixture
def seeded_directory(
    app: Flask, _seed_snapshots: dict[str, _Snapshot], tmp_path_factory: pytest.TempPathFactory
) -> SeededDirectory:
    """The seed directory and its search index, committed (emptied after the test as usual).

    The first test of a run loads seed_data/ for real; later tests get the same rows and index
    back from a snapshot.
    """
    key = app.config["SQLALCHEMY_DATABASE_URI"]
    if key in _seed_snapshots:
        _restore(app, _seed_snapshots[key])
    else:
        _seed_snapshots[key] = _take_snapshot(app, tmp_path_factory.mktemp("index") / "seeded")
    return SeededDirectory(
        services=count(Service),
        organizations=count(Organization),
        locations=count(Location),
        taxonomy_terms=count(TaxonomyTerm),
        areas=count(Area),
        lines=_seed_snapshots[key].lines,
    )
