"""No query per row: the SQL statements a page runs do not grow with the rows it shows or counts.

Each page is loaded on a small world, then again after rows of every kind it lists were added (challenges,
bids, solvers, terms accepted, curation decisions, dispatches); the number of statements must stay the same.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from tests.webapp.test_curation import EXPERT, add_solver
from tests.webapp.test_dispatch import ORCHARD, ask, propose
from webapp import db

PAGES = [
    ("solver", "/"), ("owner", "/"), ("manager", "/"), ("government", "/"), ("commissioner", "/"),
    ("solver", "/challenges/"), ("solver", "/challenges/?q=RV减速器"), ("solver", "/challenges/?page=2"),
    ("solver", "API /challenges"), ("commissioner", "API /challenges"), ("owner", "API /challenges/mine"),
    ("owner", "/challenges/{cid}"), ("manager", "/challenges/{cid}"), ("solver", "/challenges/{cid}"),
    ("manager", "/challenges/{cid}/candidates"), ("manager", "/challenges/{cid}/candidates?kind=manager"),
    ("owner", "/challenges/{cid}/candidates"), ("government", "/government/dashboard/"),
]


@contextlib.contextmanager
def counting(app):
    """Count the statements sent to the database inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engines = db.engines(app)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def load(world, clients: dict, nick: str, path: str, cid: int) -> int:
    """How many statements one view of the page ran (after a first view that builds per-worker caches)."""
    path = path.format(cid=cid)
    client = clients.setdefault(nick, world.login(nick))
    headers = world.headers(nick) if path.startswith("API ") else {}
    url = "/api/v1" + path.removeprefix("API ") if path.startswith("API ") else path
    assert client.get(url, headers=headers).status_code == 200, (nick, url)
    with counting(world.app) as seen:
        assert client.get(url, headers=headers).status_code == 200, (nick, url)
    return len(seen)


def grow(world, cid: int, n: int) -> None:
    """n more of everything the pages list: published challenges (terms accepted on them), solvers bidding
    on the challenge, curation decisions on them, and dispatch rounds sending the commissioner."""
    for i in range(n):
        other = world.challenge("published", title=f"高精度减速器齿轮磨削工艺优化第{i}期")
        world.api("solver", "POST", f"/challenges/{other}/accept-terms")
        nick = f"grown{len(world.users)}"
        profile = add_solver(world, nick, "燕山大学", EXPERT)
        world.bid(cid, nick)
        world.api("manager", "POST", f"/challenges/{cid}/decisions", {"profile_id": profile, "decision": "shortlist"})
    for enterprise in ("owner", "other_enterprise"):  # one live dispatch per commissioner and enterprise
        proposal = propose(world, [ask(world, enterprise, "果园需要矮砧密植栽培和水肥一体化技术指导")]).json
        approved = world.api("government", "POST", f"/dispatch/proposals/{proposal['id']}/approve")
        assert approved.status_code == 200, (proposal, approved.json)


@pytest.mark.parametrize("nick,path", PAGES)
def test_statements_do_not_grow_with_rows(world, nick, path):
    """Does the page run as many statements with 3 more of every row as before?"""
    cid = world.challenge("published")
    expert = add_solver(world, "expert", "燕山大学", EXPERT)
    world.bid(cid, "expert")
    # one decision already: a page with none skips reading decided candidates' kinds (nothing to look up)
    world.api("manager", "POST", f"/challenges/{cid}/decisions", {"profile_id": expert, "decision": "shortlist"})
    world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    world.api("commissioner", "PATCH", "/profiles/me", {"expertise": ORCHARD, "capacity": 20})
    clients: dict = {}
    before = load(world, clients, nick, path, cid)
    grow(world, cid, 3)
    after = load(world, clients, nick, path, cid)
    assert after == before, f"{nick} {path}: {before} statements, then {after} with 3 more rows of each kind"

