"""``flask directory import PATH``: load ORUK 3.0 JSON or our CSV layout into the directory."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from wellbeing.directory.cli import directory_cli
from wellbeing.directory.io.importer import (
    ImportFileError,
    ImportReport,
    Item,
    import_items,
    read_items,
)
from wellbeing.extensions import db


def run_with_progress(items: list[Item]) -> ImportReport:
    """A progress bar for people at a terminal; scripts and logs get the summary only."""
    if not sys.stdout.isatty():
        return import_items(items)
    with click.progressbar(length=len(items), label="Importing") as bar:
        return import_items(items, bar.update)


@directory_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
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
