"""`flask --app wsgi import KIND FILE` and `flask --app wsgi export DATASET`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy.exc import SQLAlchemyError

from models.transfer import ROW_SCHEMAS
from webapp import db
from webapp.services.errors import DomainError
from webapp.transfer import exports
from webapp.transfer.imports import DEDUPE_MODES, Report, check_columns, run_import
from webapp.transfer.tables import TableError, read_table


def cli_locale() -> str:
    """Messages in Chinese when the shell's LANG is Chinese, else English."""
    return "zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en"


@click.command("import")
@with_appcontext
@click.argument("kind", type=click.Choice(list(ROW_SCHEMAS)))
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows even when some rows are invalid.")
@click.option("--dedupe", "dedupe_mode", type=click.Choice(DEDUPE_MODES), default="report", show_default=True,
              help="report: hold likely duplicates back and list them; merge: merge them into the match.")
def import_command(kind: str, path: Path, skip_invalid: bool, dedupe_mode: str) -> None:
    """Import organisations, profiles, challenges or achievements from a .csv or .xlsx file."""
    if not path.exists():
        raise click.UsageError(f"{path}: no such file")
    try:
        rows = read_table(path)
    except TableError as exc:
        raise click.UsageError(str(exc)) from None
    problems = check_columns(kind, rows)
    if problems:
        raise click.UsageError(f"{path}: " + "; ".join(problems))
    session = db.session()

    def progress(items):
        with click.progressbar(items, label=f"Importing {kind}", file=sys.stderr) as bar:
            yield from bar

    with force_locale(cli_locale()):
        try:
            report = run_import(session, kind, rows, skip_invalid, dedupe_mode, progress)
        except (DomainError, SQLAlchemyError) as exc:
            session.rollback()
            message = getattr(exc, "message", None) or str(getattr(exc, "orig", exc))
            raise click.ClickException(f"{path}: nothing written: {message}") from None
    show(report, path)
    if report.errors and not skip_invalid:
        session.rollback()
        raise SystemExit(2)
    session.commit()


def show(report: Report, path: Path) -> None:
    """Print what the import found and did."""
    for error in report.errors:
        click.echo(f"{path}:{error.line}: {error.field}: {error.message}", err=True)
    for held in report.duplicates:
        known = held.match.known
        where = f"existing id {known.id}" if known.id is not None else f"line {known.line}"
        click.echo(f"{path}:{held.line}: likely duplicate of “{known.name}” ({where}, {held.match.why}, "
                   f"similarity {held.match.score:.0f})")
    if report.errors and report.written == report.merged == 0 and not report.duplicates:
        click.echo(f"Nothing written: {len(report.errors)} error(s) in {report.rows} row(s). "
                   "Fix them, or use --skip-invalid to write the valid rows.", err=True)
        return
    held = len(report.duplicates) - report.merged
    click.echo(f"{report.kind}: {report.rows} row(s) read, {report.written} written, {report.merged} merged, "
               f"{held} held back as likely duplicates, {len(report.errors)} invalid.")
    if held:
        click.echo("Held-back rows were not written: check them, then re-run with --dedupe merge "
                   "to merge them into their match, or correct the file.")


@click.command("export")
@with_appcontext
@click.argument("dataset", type=click.Choice(list(exports.COLUMNS)))
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), default="csv", show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="File to write (default: stdout).")
def export_command(dataset: str, fmt: str, output: Path | None) -> None:
    """Export challenges, bids, awards, dispatches, contracts or credit lists as CSV or JSON (columns: README,
    "Import and export")."""
    text = exports.export(db.session(), dataset, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


COMMANDS = (import_command, export_command)
