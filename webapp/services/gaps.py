"""The capability-gap view (能力缺口): for each field and region, how many of the challenges published in the
period found no strong solver on the platform when they were published (their supply snapshot), how many found
no strong or fair solver in their own region, and the median number of strong solvers. Fields and regions at
the top are where next year's 榜单 (定榜) most needs outside help — or where the platform needs more experts.
The dashboard's filters apply (period of creation, field, region); challenges not yet measured (the worker
measures each soon after publication) are left out.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from sqlmodel import Session, col, select

from models.challenges import Challenge
from models.supply import SupplySnapshot
from webapp.services.dashboard import Figure, Filters, challenge_filter


def gaps(session: Session, filters: Filters) -> Figure:
    """Rows of field|region: challenges measured, those without a strong solver anywhere, those without a strong
    or fair solver in their own region, and the median number of strong solvers; the widest gaps first."""
    rows = session.exec(challenge_filter(
        select(Challenge.field, Challenge.region, SupplySnapshot.solvers_strong, SupplySnapshot.solvers_in_region)
        .join(SupplySnapshot, SupplySnapshot.challenge_id == Challenge.id)
        .where(col(Challenge.published_at).is_not(None)), filters)).all()
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for field, region, strong, in_region in rows:
        groups[(getattr(field, "value", field), getattr(region, "value", region))].append((strong, in_region))
    table = []
    for (field, region), counts in groups.items():
        table.append([f"{field}|{region}", len(counts), sum(1 for s, _r in counts if s == 0),
                      sum(1 for _s, r in counts if r == 0), float(statistics.median(s for s, _r in counts))])
    table.sort(key=lambda r: (-r[2] / r[1], -r[3] / r[1], -r[1], r[0]))
    return Figure("gaps", "bar", ["field_region", "measured", "without_strong", "without_in_region",
                                  "median_strong"], table, series=(1, 2, 3), horizontal=True)
