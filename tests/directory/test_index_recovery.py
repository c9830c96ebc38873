"""A process killed between its commit and the search index: the next command catches up."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tests.support.directory import ImportFile
from tests.support.directory_factories import oruk_service
from wellbeing.directory import commands
from wellbeing.directory.models import Service
from wellbeing.directory.search.finder import find_services
from wellbeing.directory.search.index import open_index
from wellbeing.directory.search.queue import SearchIndexQueue
from wellbeing.directory.search.verify import verify_index
from wellbeing.extensions import db

# `flask directory import PATH` in a process of its own that SIGKILLs itself the moment its commit
# is done: the rows are in the database and the queue, the index has not been told.
KILLED_AFTER_COMMIT = """
import os, signal, sys
from flask.cli import ScriptInfo
from sqlalchemy import event
from wellbeing import create_app
from wellbeing.config import TestConfig
from wellbeing.extensions import db

url, index_dir, path = sys.argv[1:]
app = create_app(TestConfig(url, index_dir))
with app.app_context():
    # First of the after-commit listeners, so before the one that updates the index.
    event.listen(db.session, "after_commit", lambda _: os.kill(os.getpid(), signal.SIGKILL),
                 insert=True)
    app.cli.main(["directory", "import", path], prog_name="flask",
                 obj=ScriptInfo(create_app=lambda: app), standalone_mode=False)
print("not killed")
"""


@pytest.fixture(autouse=True)
def _words_only(app: Flask) -> None:
    app.config["WELLBEING_SEARCH_MODE"] = "lexical"  # these tests follow the index itself


def _queued() -> int:
    return db.session.execute(select(func.count(SearchIndexQueue.id))).scalar_one()


def _indexed_ids() -> set[str]:
    with open_index().searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


@pytest.fixture
def crashed_import(app: Flask, database_url: str, tmp_path: Path) -> tuple[Path, list[str]]:
    """Two services imported by a process killed (SIGKILL) right after its commit."""
    services = [oruk_service("Harmony Choir"), oruk_service("Melody Choir")]
    path = tmp_path / "choirs.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    index_dir = app.config["WELLBEING_INDEX_DIR"]
    process = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, database_url, index_dir, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == -signal.SIGKILL, process.stdout + process.stderr
    ids = [service["id"] for service in services]
    db.session.commit()  # end this test's read, to see what the killed process committed
    # The crash as it happens in production: committed and queued, yet not in the index.
    stored = db.session.execute(select(Service.id).where(Service.id.in_(ids))).scalars()
    assert sorted(stored) == sorted(ids)
    assert _queued() == 2
    assert not set(ids) & _indexed_ids()
    assert sorted(verify_index().missing) == sorted(ids)
    return path, ids


def test_importing_again_after_a_crash_catches_the_index_up(
    crashed_import: tuple[Path, list[str]], import_file: ImportFile
) -> None:
    path, ids = crashed_import

    result = import_file(path)

    assert result.exit_code == 0, result.output
    assert "Services: 0 created, 0 updated, 2 unchanged" in result.stdout  # nothing new to queue
    assert set(ids) <= _indexed_ids()
    assert _queued() == 0
    assert "Search index: caught up 2 services left queued earlier" in result.stderr
    assert [hit.service.name for hit in find_services("choir").items] == [
        "Harmony Choir",
        "Melody Choir",
    ]


def test_verify_after_a_crash_catches_up_first_and_is_clean(
    crashed_import: tuple[Path, list[str]], runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["search", "verify"])

    assert result.exit_code == 0, result.output
    assert "The search index matches the database" in result.output
    assert "Missing" not in result.output
    assert _queued() == 0


def test_verify_says_how_to_repair_what_the_queue_cannot(
    app: Flask, runner: FlaskCliRunner, import_file: ImportFile
) -> None:
    service = oruk_service("Harmony Choir")
    assert import_file([service]).exit_code == 0
    writer = open_index().writer()  # lost behind the queue's back: nothing left to catch up
    writer.delete_by_term("id", service["id"])
    writer.commit()

    result = runner.invoke(args=["search", "verify"])

    assert result.exit_code == 1
    assert f"Missing: 1 ({service['id']})" in result.output
    assert "1 services differ from the index; run `flask search reindex`" in result.output
    repaired = runner.invoke(args=["search", "reindex"])
    assert repaired.exit_code == 0, repaired.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_a_command_still_runs_when_the_index_cannot_catch_up(
    import_file: ImportFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> int:
        raise OSError("No space left on device")

    monkeypatch.setattr(commands, "apply_pending", broken)

    result = import_file([oruk_service("Harmony Choir")])

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "warning: the search index could not catch up (No space left on device); "
        "run `flask search reindex`"
    )
    assert "Services: 1 created" in result.stdout
