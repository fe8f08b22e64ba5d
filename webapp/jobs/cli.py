"""`flask --app wsgi worker`: run background jobs (mail outbox and slow work) until stopped."""

from __future__ import annotations

import datetime as dt
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from models.common import today
from models.db import new_session, writing
from webapp.jobs.queue import run_one, run_pending, worker_name
from webapp.services import embeddings, supply  # registers their job handlers
from webapp.services.overdue import notify_overdue


def daily(session_factory, swept: dt.date | None) -> dt.date:
    """Once a day in China: notices of overdue contract milestones (every worker may sweep; each is told once)."""
    day = today()
    if day != swept:
        with writing(), session_factory() as session:
            notify_overdue(session, day)
            session.commit()
    return day


@click.command("notify-overdue")
@with_appcontext
def notify_overdue_command() -> None:
    """Tell both parties of each contract milestone that became overdue (the worker does this daily)."""
    from webapp import db
    session = db.session()
    noticed = notify_overdue(session)
    session.commit()
    click.echo(f"Notified {noticed} overdue milestone(s).")


@click.command("measure-supply")
@with_appcontext
def measure_supply_command() -> None:
    """Measure the supply of every published challenge that has no snapshot yet (the worker measures each
    challenge when it is published; this catches up after a bulk import)."""
    from webapp import db
    session = db.session()
    measured = supply.measure_missing(session)
    session.commit()
    click.echo(f"Measured the supply of {measured} challenge(s).")


@click.command("embed-missing")
@with_appcontext
def embed_missing_command() -> None:
    """Compute every missing or stale embedding now, in this process (workers compute each text when it is
    saved; this catches up after a bulk import) and report the throughput."""
    from webapp import db
    done, seconds = embeddings.embed_missing(db.session(), progress=lambda n: click.echo(f"… {n}", err=True))
    rate = f", {done / seconds:.1f} a second" if done and seconds else ""
    click.echo(f"Embedded {done} text(s) in {seconds:.1f} s{rate}.")


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Run the jobs that are ready now, then exit.")
@click.option("--poll", type=click.FloatRange(0.05, 60.0), default=1.0, show_default=True,
              help="Seconds to wait when no job is ready.")
def worker(once: bool, poll: float) -> None:
    """Run queued jobs; start as many workers, on as many hosts, as the load needs."""
    engine = current_app.extensions["engine"]

    def session_factory():
        return new_session(engine)

    if once:
        click.echo(f"Ran {run_pending(session_factory)} job(s).")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    me = worker_name()
    click.echo(f"Worker {me} is waiting for jobs (stop with Ctrl-C or SIGTERM).")
    swept: dt.date | None = None
    while not stop.is_set():
        swept = daily(session_factory, swept)
        if not run_one(session_factory, me):
            stop.wait(poll)
    click.echo(f"Worker {me} stopped.")
