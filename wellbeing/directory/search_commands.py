"""``flask search reindex`` and ``flask search verify``: rebuild the index, and check it."""

import sys
import time
from dataclasses import dataclass, field

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.index import LockError

from wellbeing.directory.cli import search_cli
from wellbeing.directory.models import SearchIndexQueue, Service
from wellbeing.directory.search import open_index, rebuild
from wellbeing.directory.search_documents import documents_for
from wellbeing.extensions import db

SHOW_AT_MOST = 20


@dataclass
class IndexReport:
    """Differences between the database and the index."""

    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    stale: list[str] = field(default_factory=list)  # indexed from an older version
    extra: list[str] = field(default_factory=list)  # in the index, gone from the database
    queued: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def verify_index() -> IndexReport:
    """Compare every service's current document with the one in the index."""
    report = IndexReport()
    with open_index().searcher() as searcher:
        reader = searcher.reader()
        indexed = {}
        if reader.doc_count_all():  # an empty index has no columns to read
            ids, digests = (
                reader.column_reader("id", translate=True),
                reader.column_reader("digest"),
            )
            indexed = {ids[docnum]: digests[docnum] for docnum in reader.all_doc_ids()}
    with Session(db.engine) as session:
        service_ids = list(session.execute(select(Service.id).order_by(Service.id)).scalars())
        for document in documents_for(session, service_ids):
            digest = indexed.pop(str(document["id"]), None)
            if digest is None:
                report.missing.append(str(document["id"]))
            elif digest != document["digest"]:
                report.stale.append(str(document["id"]))
        report.extra = sorted(indexed)
        report.queued = session.execute(select(func.count(SearchIndexQueue.id))).scalar_one()
    return report


def _list(label: str, ids: list[str]) -> None:
    if ids:
        shown = ", ".join(ids[:SHOW_AT_MOST]) + (" ..." if len(ids) > SHOW_AT_MOST else "")
        click.echo(f"{label}: {len(ids)} ({shown})")


@search_cli.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database."""
    started = time.perf_counter()
    total = db.session.execute(select(func.count(Service.id))).scalar_one()
    db.session.rollback()  # the rebuild reads in its own session
    try:
        if sys.stdout.isatty():
            with click.progressbar(length=total, label="Indexing services") as bar:
                indexed = rebuild(progress=bar.update)
        else:
            indexed = rebuild()
    except LockError:
        raise click.ClickException(
            "The search index is locked by another process; try again in a minute"
        ) from None
    seconds = time.perf_counter() - started
    click.echo(f"Indexed {indexed} services in {seconds:.1f} s")


@search_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Report services missing from the index, indexed from an older version, or deleted."""
    report = verify_index()
    _list("Missing", report.missing)
    _list("Stale", report.stale)
    _list("Extra", report.extra)
    if report.queued:
        click.echo(f"Queued for indexing: {report.queued}")
    if not report.clean:
        problems = len(report.missing) + len(report.stale) + len(report.extra)
        raise click.ClickException(
            f"{problems} services differ from the index; run `flask search reindex`"
        )
    click.echo("The search index matches the database")
