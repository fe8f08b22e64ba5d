"""Demo contracts after the award, in every state, made through the real services as the parties would.

Each awarded (or in-progress) challenge's accepted bids, in order of challenge id, take the next state of PLAN;
a challenge already in progress gets a confirmed contract with an overdue milestone. One accepted bid is left
without a contract, so its enterprise sees the bid awaiting one. Contracts start three days after the award; a
completed one ran until yesterday (times are then set as the work would have taken them).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.acceptance import (
    AcceptanceDecision,
    AcceptanceOpen,
    AcceptanceReview,
    Conclusion,
    Outcome,
    Verdict,
    VerdictSubmit,
)
from models.accounts import User
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus
from models.common import today
from models.contracts import ChangeIn, ContractTerms, DeliverableIn, RatingIn
from models.registration import RegistrationIn
from webapp.demo.assistance import MILESTONE_NAMES, account
from webapp.services import acceptance, changes, contracts, judging, registration, track

PLAN = ("proposed", "changes_requested", "completed", "under_way", "judging", "terminated", "none")


def load_contracts(session: Session) -> dict[str, int]:
    """Contracts for the demo's accepted bids; returns how many were made."""
    rows = session.exec(select(Bid, Challenge).join(Challenge, Challenge.id == Bid.challenge_id).where(
        Bid.status == BidStatus.ACCEPTED, col(Challenge.status).in_(
            (ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS))).order_by(col(Challenge.id), col(Bid.id)))
    made, plan = 0, iter(PLAN)
    rows = [(bid, challenge, challenge.status) for bid, challenge in rows]  # as loaded: confirming moves them
    for bid, challenge, status in rows:
        state = "overdue" if status == ChallengeStatus.IN_PROGRESS else next(plan, "none")
        if state != "none":
            _contract(session, bid, challenge, state)
            made += 1
    return {"contracts": made, "acceptance panels": len(session.exec(select(AcceptanceReview.id)).all())}


def _contract(session: Session, bid: Bid, challenge: Challenge, state: str) -> None:
    owner = account(session, session.get(User, challenge.owner_id))
    solver = account(session, session.get(User, bid.solver_id))
    start = (challenge.awarded_at or challenge.created_at).date() + dt.timedelta(days=3)
    day = today()
    end = {"completed": day - dt.timedelta(days=1), "overdue": day + dt.timedelta(days=30)}.get(
        state, start + dt.timedelta(days=bid.duration_days))
    contract = contracts.propose(session, owner, bid.id, _terms(bid, challenge, start, max(end, start)))
    if state == "changes_requested":
        contracts.request_changes(session, solver, contract.id,
                                  "首期付款比例请提高到40%，并把中试验证的期限延后一个月。")
        return
    if state == "proposed":
        return
    contracts.confirm(session, solver, contract.id, contract.revision)
    items = contracts.deliverables(session, contract)
    if state == "terminated":
        _backdate(contract, items, 0)
        contracts.terminate(session, owner, contract.id, "揭榜方核心成员离职，双方协商一致终止合同。")
        return
    done = {"completed": len(items), "under_way": 1, "overdue": 0, "judging": len(items) - 1}[state]
    for item in items[:done]:
        contracts.report(session, solver, contract.id, item.id, f"{item.title}已完成，检测报告与现场验证记录已提交。")
        if acceptance.needs_panel(session, contract, challenge, item):
            _panel(session, owner, contract, conclude=True)
        else:
            contracts.accept(session, owner, contract.id, item.id)
    if state == "judging":  # the final report is with a panel: two of three have judged
        contracts.report(session, solver, contract.id, items[-1].id,
                         "产业化导入完成：连续三批产品经第三方检测全部达标，附检测报告与用户证明。")
        _panel(session, owner, contract, conclude=False)
    if state == "under_way":
        contracts.report(session, solver, contract.id, items[1].id, "中试线已连续运行30天，指标达到合同要求。")
    _backdate(contract, items, done)
    for panel in acceptance.panels_of(session, contract):  # a concluded panel sat while the last milestone waited
        if panel.closed_at is not None and items[-1].accepted_at is not None:
            panel.created_at, panel.closed_at = items[-1].reported_at, items[-1].accepted_at
            panel.deadline = items[-1].accepted_at.date()
            session.add(panel)
    if state in ("completed", "under_way"):
        _register(session, owner, contract, challenge, confirm=state == "completed")
    if state == "under_way":  # the solver asks for a month more for the last milestone
        last = items[-1]
        changes.propose(session, solver, contract.id, ChangeIn(
            reason="中试用关键设备到货推迟，申请最后一个里程碑及合同期限顺延一个月。",
            end_date=contract.end_date + dt.timedelta(days=30), dues={last.id: last.due + dt.timedelta(days=30)}))
    if state == "completed":
        track.rate(session, owner, contract.id, RatingIn(stars=5, comment="交付扎实，指标全部达到，现场培训到位。"))
        track.rate(session, solver, contract.id, RatingIn(stars=4, comment="付款及时，现场配合良好。"))


def _panel(session: Session, owner, contract, conclude: bool) -> None:
    """验收 by a panel of three: two pass it, the third finds the last criterion only partly shown and fails it;
    concluded by the enterprise (the work is completed), or left with the third verdict still to come."""
    panel = acceptance.open_panel(session, owner, contract.id, AcceptanceOpen(
        size=3, deadline=today() + dt.timedelta(days=7)))
    seats = acceptance.panellists(session, panel.id)
    for i, seat in enumerate(seats if conclude else seats[:2]):
        expert = account(session, session.get(User, seat.user_id))
        marks = [Verdict.MET] * len(panel.criteria)
        if i == 2:
            marks[-1] = Verdict.PARTLY
        judging.submit(session, expert, seat.id, VerdictSubmit(
            verdicts=marks, notes=["核查第三方检测报告，指标达到。"], conclusion=Conclusion.PASS if i < 2 else
            Conclusion.FAIL, comment="资料齐全，现场演示可复现。" if i < 2 else "良率数据仅一批，建议补测。"))
    if conclude:
        acceptance.conclude(session, owner, panel.id, AcceptanceDecision(
            outcome=Outcome.COMPLETE, reason="专家组多数意见通过验收；请在三个月内补测两批良率数据备案。"))


def _backdate(contract, items, done: int) -> None:
    """Times as the work would have taken them (the services stamp now): confirmed a few days after the start,
    each accepted milestone on its due day, a completed contract ended with its last milestone."""
    moment = lambda day: dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)  # noqa: E731 (10:00 in China)
    contract.confirmed_at = moment(contract.start_date + dt.timedelta(days=3))
    latest = today() - dt.timedelta(days=1)
    for item in items[:done]:  # accepted on its due day, or yesterday when delivered ahead of time
        item.reported_at = moment(min(item.due, latest) - dt.timedelta(days=2))
        item.accepted_at = moment(min(item.due, latest))
    if done == len(items) and items:
        contract.ended_at = items[-1].accepted_at


def _terms(bid: Bid, challenge: Challenge, start: dt.date, end: dt.date) -> ContractTerms:
    """Three milestones spread over the period, paying 30/40/30 % of the bid's price."""
    days = (end - start).days
    parts = [bid.price * int(share * 100) // 100 // 10_000 * 10_000 for _name, share in MILESTONE_NAMES]
    parts[-1] = bid.price - sum(parts[:-1])
    keyword = challenge.keywords[0] if challenge.keywords else challenge.title
    return ContractTerms(price=bid.price, start_date=start, end_date=end, milestones=[
        DeliverableIn(title=name, indicators=f"{keyword}：达到榜单技术指标并经第三方检测", amount=part,
                      due=start + dt.timedelta(days=days * (i + 1) // len(MILESTONE_NAMES)))
        for i, ((name, _share), part) in enumerate(zip(MILESTONE_NAMES, parts, strict=True))])


def _register(session: Session, owner, contract, challenge: Challenge, confirm: bool) -> None:
    """The registration record, as the enterprise would fill it from the prefilled draft."""
    data = registration.prefilled(session, contract, challenge)
    data["technology_income"] = contract.price * 9 // 10 // 10_000 * 10_000  # some of the price buys equipment
    registration.save(session, owner, contract.id, RegistrationIn.model_validate(data))
    if confirm:
        registration.confirm(session, owner, contract.id)
