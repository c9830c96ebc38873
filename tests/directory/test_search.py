"""The search index: kept in step after each commit, safe with several processes, checked."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, update

from wellbeing.directory.models import Organization, Service
from wellbeing.directory.search.finder import find_services
from wellbeing.directory.search.index import apply_pending, open_index
from wellbeing.directory.search.queue import SearchIndexQueue, queue_services
from wellbeing.directory.search.synonyms import parse_synonyms
from wellbeing.extensions import db


@pytest.fixture(autouse=True)
def _words_only(app: Flask) -> None:
    """These tests follow the index itself: what the words find (meaning has its own tests)."""
    app.config["WELLBEING_SEARCH_MODE"] = "lexical"


def _service(name: str, description: str = "A weekly group.", queue: bool = True) -> Service:
    organisation = Organization(name="Community Trust")
    service = Service(name=name, description=description, organization=organisation)
    db.session.add(service)
    db.session.flush()
    if queue:
        queue_services([service.id])
    return service


def _names(text: str) -> list[str]:
    return [hit.service.name for hit in find_services(text).items]


def _queued() -> int:
    return db.session.execute(select(func.count(SearchIndexQueue.id))).scalar_one()


def test_an_app_without_an_index_searches_an_empty_one(app: Flask) -> None:
    index_dir = Path(app.config["WELLBEING_INDEX_DIR"])
    assert not index_dir.exists()

    results = find_services("singing")

    assert (results.total, results.items, results.pages) == (0, [], 0)
    assert index_dir.is_dir()


def test_queued_changes_reach_the_index_after_commit(app: Flask) -> None:
    service = _service("Harmony Choir", "Sing together on Tuesday evenings.")
    db.session.commit()
    assert _names("harmony") == ["Harmony Choir"]
    assert _queued() == 0

    service.name = "Melody Choir"
    queue_services([service.id])
    db.session.commit()
    assert _names("harmony") == []
    assert _names("melody") == ["Melody Choir"]

    db.session.delete(service)
    queue_services([service.id])
    db.session.commit()
    assert _names("melody") == []


def test_changes_wait_in_the_queue_while_another_process_holds_the_lock(app: Flask) -> None:
    writer = open_index().writer()  # as another worker mid-update would
    try:
        _service("Harmony Choir")
        db.session.commit()  # must not fail or block
        assert _queued() == 1
        assert _names("harmony") == []
    finally:
        writer.cancel()

    _service("Melody Choir")
    db.session.commit()  # the next writer catches up on everything queued

    assert _queued() == 0
    assert _names("choir") == ["Harmony Choir", "Melody Choir"]


EDITOR = """
import sys, time
from pathlib import Path
from sqlalchemy import update
from wellbeing import create_app
from wellbeing.config import TestConfig
from wellbeing.directory.search.queue import queue_services
from wellbeing.directory.models import Service
from wellbeing.extensions import db

url, index_dir, service_id, word, start = sys.argv[1:]
app = create_app(TestConfig(url, index_dir))
with app.app_context():
    while not Path(start).exists():
        time.sleep(0.01)
    for number in range(1, 21):
        # Write first, as SQLite cannot turn a read into a write after another's commit.
        statement = update(Service).where(Service.id == service_id)
        db.session.execute(statement.values(name=f"{word} edition{number}"))
        queue_services([service_id])
        db.session.commit()
"""


def test_two_processes_editing_different_services_at_once_both_reach_the_index(
    app: Flask, runner: FlaskCliRunner, database_url: str, tmp_path: Path
) -> None:
    first, second = _service("Alpha Group"), _service("Beta Group")
    db.session.commit()
    start = tmp_path / "start"
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, database_url, app.config["WELLBEING_INDEX_DIR"],
             service.id, word, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for service, word in ((first, "Alpha"), (second, "Beta"))
    ]  # fmt: skip
    time.sleep(1.5)  # both processes are up and waiting
    start.touch()
    outputs = [editor.communicate(timeout=120) for editor in editors]
    db.session.commit()  # end this test's read, to see what the editors wrote

    for editor, (_, stderr) in zip(editors, outputs, strict=True):
        assert editor.returncode == 0, stderr
        assert "Traceback" not in stderr and "failed" not in stderr
    assert _queued() == 0
    assert _names("edition20") == ["Alpha edition20", "Beta edition20"]
    verified = runner.invoke(args=["search", "verify"])  # nothing stale is left either
    assert verified.exit_code == 0, verified.output


def test_reindex_rebuilds_the_index_and_verify_then_finds_it_clean(
    app: Flask, runner: FlaskCliRunner
) -> None:
    for name in ("Harmony Choir", "Melody Choir", "Rhythm Club"):
        _service(name, queue=False)
    db.session.commit()
    assert runner.invoke(args=["search", "verify"]).exit_code != 0

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 3 services" in result.output
    assert _names("choir") == ["Harmony Choir", "Melody Choir"]
    verified = runner.invoke(args=["search", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "matches the database" in verified.output


def test_reindex_takes_over_queued_rows(app: Flask, runner: FlaskCliRunner) -> None:
    writer = open_index().writer()
    try:
        _service("Harmony Choir")
        db.session.commit()
    finally:
        writer.cancel()
    assert _queued() == 1

    assert runner.invoke(args=["search", "reindex"]).exit_code == 0

    assert _queued() == 0
    assert _names("harmony") == ["Harmony Choir"]


def test_verify_reports_missing_stale_and_extra_documents(
    app: Flask, runner: FlaskCliRunner
) -> None:
    removed, renamed, deleted = (
        _service(name).id for name in ("Harmony Choir", "Melody Choir", "Rhythm Club")
    )
    db.session.commit()
    ix = open_index()
    writer = ix.writer()
    writer.delete_by_term("id", removed)
    writer.commit()
    # Changed and deleted behind the index's back: nothing queued.
    db.session.execute(update(Service).where(Service.id == renamed).values(name="Tempo"))
    db.session.execute(Service.__table__.delete().where(Service.id == deleted))
    db.session.commit()

    result = runner.invoke(args=["search", "verify"])

    assert result.exit_code == 1
    assert f"Missing: 1 ({removed})" in result.output
    assert f"Stale: 1 ({renamed})" in result.output
    assert f"Extra: 1 ({deleted})" in result.output
    assert "3 services differ from the index" in result.output


def test_apply_pending_with_nothing_queued_does_nothing(app: Flask) -> None:
    assert apply_pending() == 0
    assert open_index().doc_count() == 0


def test_synonyms_come_from_the_configured_file(app: Flask, tmp_path: Path) -> None:
    _service("Harmony Choir", "Sing together on Tuesday evenings.")
    db.session.commit()
    assert _names("warble") == []
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("# ours\nwarble: choir, chorus\n")
    app.config["WELLBEING_SYNONYMS_FILE"] = str(synonyms)

    assert _names("Warble") == ["Harmony Choir"]


def test_synonym_lines_are_parsed_with_phrases_and_comments() -> None:
    parsed = parse_synonyms(
        [
            "# comment",
            "",
            "Low Mood: depression, mental wellbeing",
            "no colon here",
            "pain: back pain",
        ]
    )

    assert parsed == {
        ("low", "mood"): ["depression", "mental wellbeing"],
        ("pain",): ["back pain"],
    }
