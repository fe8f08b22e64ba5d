"""Engine reasons stored as data ({"kind": "terms", "terms": [...]}, …) instead of "kind: value" text.

Rows written before keep their meaning: each text reason is parsed into the same structure the engine now
emits (matching.Reason.as_dict), so pages word them in the reader's language and the API returns one shape.

Revision ID: 0022
Revises: 0021
"""
import json
import re

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

TABLES = ("recommendation", "proposalitem", "reviewassignment", "acceptanceassignment")
LOAD = re.compile(r"full \((\d+)/(\d+)\)")


def parsed(text: str) -> dict:
    """One legacy reason ("terms: 电解液, 析锂") as data."""
    kind, _sep, rest = text.partition(": ")
    if kind == "terms":
        return {"kind": kind, "terms": [t for t in rest.split(", ") if t]}
    if kind == "keywords":
        return {"kind": kind, "pairs": [(p.split("≈", 1) + [p])[:2] for p in rest.split(", ") if p]}
    if kind == "document":
        return {"kind": kind, "title": rest}
    if kind == "region":
        return {"kind": kind, "region": rest}
    if kind == "capacity":
        load = LOAD.search(rest)
        return {"kind": kind, "load": int(load.group(1)), "capacity": int(load.group(2))} if load else \
            {"kind": kind, "load": 0, "capacity": 0}
    return {"kind": "terms", "terms": [text]}


def _convert(convert) -> None:
    connection = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("reasons", sa.JSON))
        for row_id, reasons in connection.execute(sa.select(table.c.id, table.c.reasons)).all():
            items = json.loads(reasons) if isinstance(reasons, str) else (reasons or [])
            changed = [convert(r) for r in items]
            if changed != items:
                connection.execute(sa.update(table).where(table.c.id == row_id).values(reasons=changed))


def upgrade() -> None:
    _convert(lambda r: parsed(r) if isinstance(r, str) else r)


def downgrade() -> None:
    def text(r):
        if not isinstance(r, dict):
            return r
        kind = r["kind"]
        value = {"terms": lambda: ", ".join(r.get("terms", [])),
                 "keywords": lambda: ", ".join(q if q == c else f"{q}≈{c}" for q, c in r.get("pairs", [])),
                 "document": lambda: r.get("title", ""), "region": lambda: r.get("region", ""),
                 "capacity": lambda: "unavailable" if not r.get("capacity") else
                 f"full ({r.get('load')}/{r.get('capacity')})"}[kind]()
        return f"{kind}: {value}"
    _convert(text)
