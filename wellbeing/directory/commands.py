"""The directory's command groups: ``flask directory``, ``flask search`` and ``flask geo``."""

import csv
import os
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from whoosh.index import LockError

from wellbeing.directory.geo import PostcodeError, import_postcodes
from wellbeing.directory.models import Service
from wellbeing.directory.oruk.export import write_export
from wellbeing.directory.oruk.importer import (
    ImportFileError,
    ImportReport,
    Item,
    import_items,
    read_items,
)
from wellbeing.directory.search import vectors
from wellbeing.directory.search.index import apply_pending, rebuild
from wellbeing.directory.search.verify import verify_index
from wellbeing.extensions import db

SHOW_AT_MOST = 20
REPAIR = "run `flask search reindex`"


@with_appcontext
def catch_up_index() -> None:
    """Before any directory or search command, apply the index updates still queued.

    A process killed between its commit and the index (``kill -9``, out of memory) leaves its
    changes queued; without this, a re-import finds nothing changed, queues nothing, and the index
    would miss those services until the next change to them.
    """
    if click.get_current_context().invoked_subcommand == "reindex":
        return  # the rebuild covers the queue
    try:
        applied = apply_pending()
    except Exception as error:  # the command itself may still help (reindex, verify)
        click.echo(f"warning: the search index could not catch up ({error}); {REPAIR}", err=True)
        return
    if applied:
        click.echo(f"Search index: caught up {applied} services left queued earlier", err=True)
        vectors.embed_after_update(current_app._get_current_object())  # type: ignore[attr-defined]


directory_cli = AppGroup(
    "directory", help="Import and export the directory (Open Referral UK).", callback=catch_up_index
)
search_cli = AppGroup("search", help="Build and check the search index.", callback=catch_up_index)
geo_cli = AppGroup("geo", help="Postcode data for distance search.")
COMMAND_GROUPS = (directory_cli, search_cli, geo_cli)


def run_with_progress(items: list[Item]) -> ImportReport:
    """A progress bar for people at a terminal; scripts and logs get the summary only."""
    if not sys.stdout.isatty():
        return import_items(items)
    with click.progressbar(length=len(items), label="Importing") as bar:
        return import_items(items, bar.update)


@directory_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def import_command(path: Path) -> None:
    """Import services, organisations and taxonomies (ORUK 3.0 JSON, NDJSON or our CSV layout).

    Records are matched by id: new ones are created, changed ones updated, the same ones left
    alone. Invalid records are skipped and listed; the exit status is then 1.
    """
    try:
        report = run_with_progress(read_items(path))
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        raise click.ClickException(
            f"nothing imported: the database refused it ({reason})"
        ) from error
    db.session.commit()
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for skipped in report.skipped:
        click.echo(f"skipped: {skipped}", err=True)
    for line in report.summary():
        click.echo(line)
    if report.skipped:
        click.get_current_context().exit(1)


@directory_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(path: Path) -> None:
    """Write the whole directory to PATH as Open Referral UK 3.0 JSON (all statuses)."""
    try:
        count = write_export(path)
    except OSError as error:
        raise click.ClickException(f"Could not write {path}: {error.strerror}") from None
    click.echo(f"Exported {count} records to {path}")


def _list(label: str, ids: list[str]) -> None:
    if ids:
        shown = ", ".join(ids[:SHOW_AT_MOST]) + (" ..." if len(ids) > SHOW_AT_MOST else "")
        click.echo(f"{label}: {len(ids)} ({shown})")


@search_cli.command("reindex")
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
    _embed_waiting()


def _embed_waiting() -> None:
    """Embed every listing whose text has no vector yet (unchanged ones are never redone)."""
    status, embedder = vectors.model_status(threads=os.cpu_count() or 1)
    if embedder is None:
        click.echo(f"Meaning-based search is off: {status.detail}. Listings are found by words.")
        return
    waiting = vectors.pending_count(db.session)
    db.session.rollback()
    started = time.perf_counter()
    if sys.stdout.isatty() and waiting:
        with click.progressbar(length=waiting, label="Embedding listings") as bar:
            done = vectors.embed_pending(embedder, progress=bar.update)
    else:
        done = vectors.embed_pending(embedder)
    seconds = time.perf_counter() - started
    rate = f" ({done / seconds:.0f} a second)" if done and seconds else ""
    click.echo(f"Embedded {done} listings in {seconds:.1f} s{rate}; unchanged ones kept")


@search_cli.command("verify")
def verify_command() -> None:
    """Report services missing from the index, indexed from an older version, or deleted."""
    report = verify_index()
    _list("Missing", report.missing)
    _list("Stale", report.stale)
    _list("Extra", report.extra)
    if report.queued:
        click.echo(f"Queued for indexing: {report.queued}")
    if report.model_off:
        click.echo("Meaning-based search: turned off (WELLBEING_EMBEDDINGS=off)")
    elif not report.model.ready:
        click.echo(f"Meaning-based search: OFF, {report.model.detail}; words still work")
    else:
        _list("Listings without an embedding", report.unembedded)
    if not report.clean:
        problems = len(report.missing) + len(report.stale) + len(report.extra)
        raise click.ClickException(f"{problems} services differ from the index; {REPAIR}")
    click.echo("The search index matches the database")
    if not report.meaning_ready:
        raise click.ClickException(
            "meaning-based search is not ready for every listing"
            + (f"; {REPAIR}" if report.model.ready else "")
        )


@geo_cli.command("import-postcodes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_postcodes_command(path: Path) -> None:
    """Load postcode (or outward code) coordinates from a CSV such as the ONS Postcode Directory."""
    try:
        report = import_postcodes(path)
    except (PostcodeError, UnicodeDecodeError, csv.Error) as error:
        db.session.rollback()
        raise click.ClickException(f"{path.name}: {error}") from error
    db.session.commit()
    click.echo(f"Imported {report.imported} postcodes; skipped {report.skipped} invalid rows")
    if report.imported == 0:
        raise click.ClickException("No valid postcode rows found")
