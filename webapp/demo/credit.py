"""Demo credit lists: one solver on the blacklist with a pending appeal, one enterprise on the watch list, one
lifted entry — through the real services, as government and the parties would."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.accounts import Organisation, User
from models.common import today
from models.credit import ListingCreate, ListKind
from webapp.demo.assistance import account
from webapp.services import credit


def load_credit(session: Session, government: User) -> dict[str, int]:
    """Three entries; returns the count."""
    gov = account(session, government)
    day = today()
    solver = session.exec(select(User).where(User.email == "s300@demo.jiebang.cn")).one()
    entry = credit.list_party(session, gov, ListingCreate(
        kind=ListKind.BLACKLIST, email=solver.email, reason="在上一轮揭榜挂帅项目中虚报样机检测数据，经核查属实。",
        start_date=day - dt.timedelta(days=30), end_date=day + dt.timedelta(days=335)))
    credit.appeal(session, account(session, solver), entry.id,
                  "检测数据差异系第三方机构更换检测方法所致，已补充原始记录。")
    enterprise = session.exec(select(Organisation).where(Organisation.kind == "enterprise")
                              .order_by(col(Organisation.id).desc())).first()
    credit.list_party(session, gov, ListingCreate(
        kind=ListKind.WATCH, organisation=enterprise.name, reason="连续两个里程碑逾期未付款，列入重点关注。",
        start_date=day - dt.timedelta(days=10), end_date=day + dt.timedelta(days=170)))
    lifted = credit.list_party(session, gov, ListingCreate(
        kind=ListKind.BLACKLIST, email="s299@demo.jiebang.cn", reason="未按期提交中期报告。",
        start_date=day - dt.timedelta(days=90), end_date=day + dt.timedelta(days=90)))
    credit.lift(session, gov, lifted.id, "已补交中期报告并通过检查，提前解除。")
    return {"credit list entries": 3}
