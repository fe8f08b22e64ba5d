"""`flask --app wsgi …` commands: init-db, load-demo, reindex, create-user, create-token, set-password,
match-report, prune-files, import, export, worker."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func
from sqlmodel import select
from werkzeug.security import generate_password_hash

from models.accounts import OrgKind, Role, User
from models.common import Region
from models.files import Attachment
from models.migrate import upgrade
from webapp import db
from webapp.demo.city import load_city
from webapp.demo.loader import load
from webapp.jobs import cli as jobs_cli
from webapp.services import accounts, ranking, reports, saved_index
from webapp.services.errors import Conflict
from webapp.storage import storage
from webapp.transfer import cli as transfer_cli


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic), keeping existing rows."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is at the latest schema.")


@click.command("load-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option("--scale", type=click.Choice(["demo", "city"]), default="demo", show_default=True,
              help="city: add one city's volumes (10,000 solvers, 2,000 published challenges…) for load tests.")
@click.option("--csl", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSL papers (jsonl) whose disciplines give the city's texts, besides the demo's topics.")
def load_demo(if_empty: bool, scale: str, csl: Path | None) -> None:
    """Load the deterministic demo data set (organisations, people, challenges, bids)."""
    session = db.session()
    if session.exec(select(func.count()).select_from(User)).one():
        if if_empty:
            click.echo("Database already has data; demo not loaded.")
            return
        raise click.UsageError("The database is not empty; load the demo into a fresh database.")
    if csl is not None and not csl.is_file():
        raise click.UsageError(f"No CSL file at {csl}.")
    started = time.perf_counter()
    counts = Counter(load(session))
    if scale == "city":
        counts.update(load_city(session, csl=csl))
    session.commit()
    if scale == "city":
        refresh_statistics()
    click.echo("Loaded demo data: " + ", ".join(f"{n} {name}" for name, n in counts.items())
               + f" in {time.perf_counter() - started:.1f} s")


def refresh_statistics() -> None:
    """After a bulk load on PostgreSQL, what its administrator would run: VACUUM ANALYZE (outside a
    transaction), so the planner knows the new rows and index-only scans need not visit the heap."""
    engine = current_app.extensions["engine"]
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


@click.command("reindex")
@with_appcontext
@click.option("--if-stale", is_flag=True, help="Keep a saved index that already holds the rows in the database.")
def reindex(if_stale: bool) -> None:
    """Fit the matching engine on the profiles and the achievements and save both indexes, so that every
    gunicorn worker opens them instead of fitting (run it again after large imports)."""
    session = db.session()
    for corpus, (stamp_of, rows_of) in ranking.CORPORA.items():
        stamp = stamp_of(session)
        if if_stale and saved_index.is_current(corpus, stamp):
            click.echo(f"The {corpus} index is current: {saved_index.path_of(corpus)}.")
            continue
        try:
            engine, path = saved_index.build(corpus, stamp, rows_of(session))
        except OSError as exc:
            raise click.ClickException(f"cannot save the {corpus} index: {exc}") from None
        click.echo(f"Indexed {len(engine)} {corpus} into {path}.")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_name", required=True, help="Organisation name (created when new).")
@click.option("--org-kind", type=click.Choice([k.value for k in OrgKind]), default="government")
@click.option("--region", type=click.Choice([r.value for r in Region]), default="tianjin")
@click.password_option()
def create_user(email: str, name: str, role: str, org_name: str, org_kind: str, region: str,
                password: str) -> None:
    """Create any account, including government and admin ones."""
    if len(password) < 8:
        raise click.BadParameter("must be at least 8 characters", param_hint="--password")
    session = db.session()
    org = accounts.find_or_create_org(session, org_name, OrgKind(org_kind), Region(region))
    try:
        user = accounts.create_user(session, email, name, generate_password_hash(password),
                                    [Role(role)], org, Region(region))
    except Conflict as exc:
        raise click.BadParameter(exc.message, param_hint="--email") from None
    session.commit()
    click.echo(f"Created {role} user {user.email} (id {user.id}) in {org.name}.")


@click.command("create-token")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", default="cli")
def create_token(email: str, name: str) -> None:
    """Issue an API token for a user and print it once."""
    session = db.session()
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.BadParameter("no user with this e-mail", param_hint="--email")
    _token, plain = accounts.issue_token(session, user.id, name)
    session.commit()
    click.echo(plain)


@click.command("set-password")
@with_appcontext
@click.option("--email", required=True)
@click.password_option()
def set_password(email: str, password: str) -> None:
    """Give a user (e.g. an imported one) a password to sign in with."""
    if len(password) < 8:
        raise click.BadParameter("must be at least 8 characters", param_hint="--password")
    session = db.session()
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.BadParameter("no user with this e-mail", param_hint="--email")
    user.password_hash = generate_password_hash(password)
    session.add(user)
    session.commit()
    click.echo(f"Password set for {user.email}.")


@click.command("match-report")
@with_appcontext
def match_report() -> None:
    """How often technical managers accepted the engine's top 5 and top 10, by field."""
    lines = reports.match_report(db.session())
    if not lines:
        click.echo("No curation decisions yet.")
        return
    click.echo(f"{'field':<22}{'top':>5}{'decided':>10}{'accepted':>10}{'rate':>8}")
    for line in lines:
        click.echo(f"{line.field:<22}{line.top:>5}{line.decided:>10}{line.accepted:>10}{line.rate:>8.0%}")


@click.command("prune-files")
@click.option("--older-than", "minutes", type=click.IntRange(min=0), default=60, show_default=True,
              help="Only blobs written at least this many minutes ago (an upload may be committing).")
@with_appcontext
def prune_files(minutes: int) -> None:
    """Delete stored blobs that no attachment row names (left by a crash between writing and committing)."""
    store = storage()
    known = set(db.session().exec(select(Attachment.key)))
    limit = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    orphans = [key for key, written in store.keys() if key not in known and written <= limit]
    for key in orphans:
        store.delete(key)
    click.echo(f"Removed {len(orphans)} orphaned files.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (init_db, load_demo, reindex, create_user, create_token, set_password, match_report, prune_files,
                    jobs_cli.worker, jobs_cli.notify_overdue_command, jobs_cli.measure_supply_command,
                    jobs_cli.embed_missing_command,
                    *transfer_cli.COMMANDS):
        app.cli.add_command(command)

