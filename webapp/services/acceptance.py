"""验收 on the organiser's side: refer a contract's reported final milestone to an expert panel the engine picks
under the expert review's conflict rules, read the panel's verdicts, and conclude it.

The organiser is the challenge's enterprise, or government when it funds the challenge (as for bid reviews).
The final milestone of a government-funded challenge is accepted only through a panel; any other contract's
enterprise may accept its final milestone itself or ask a panel. A panel passes when more than half of the
panellists who judged conclude "pass". Concluding is a conditional update of the open panel, so of concurrent
conclusions exactly one takes effect, and the milestone's own transition is conditional too.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, func, select

from matching.records import Query
from models.acceptance import (
    AcceptanceAssignment,
    AcceptanceCriterion,
    AcceptanceDecision,
    AcceptanceOpen,
    AcceptanceRead,
    AcceptanceReview,
    AcceptanceStatus,
    Conclusion,
    CriterionKind,
    CriterionTally,
    Outcome,
    PanellistRead,
    Verdict,
)
from models.challenges import Bid, Challenge
from models.common import utcnow
from models.contracts import Contract, ContractStatus, Deliverable, DeliverableStatus
from models.profiles import Profile
from models.reviews import AssignmentStatus
from webapp.auth import Account
from webapp.services import contracts, panel, ranking
from webapp.services.access import require_trusted
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify
from webapp.services.reviews import may_organise
from webapp.services.subsidies import subsidy_of
from webapp.services.transitions import advance, insert_once, lock_for_reading


def link(acceptance: AcceptanceReview) -> str:
    """The contract page's panel section, for notifications."""
    return f"/contracts/{acceptance.contract_id}#acceptance"


# ---- the rules the contract module asks ----

def under_panel(session: Session, item: Deliverable) -> bool:
    """Whether an open panel is judging the milestone."""
    return session.exec(select(AcceptanceReview.id).where(AcceptanceReview.deliverable_id == item.id,
                                                          AcceptanceReview.status == AcceptanceStatus.OPEN)
                        ).first() is not None


def needs_panel(session: Session, contract: Contract, challenge: Challenge, item: Deliverable) -> bool:
    """Whether only a panel may accept the milestone: the final one of a government-funded challenge."""
    return contracts.is_final(session, contract, item) and subsidy_of(session, challenge.id) is not None


# ---- opening ----

def open_panel(session: Session, user: Account, contract_id: int, data: AcceptanceOpen) -> AcceptanceReview:
    """Refer the reported final milestone to a panel of the engine's best allowed experts."""
    contract, challenge = _organised(session, user, contract_id)
    require_trusted(user)
    lock_for_reading(session, contract)
    item = _final(session, contract)
    if contract.status != ContractStatus.CONFIRMED or item.status != DeliverableStatus.REPORTED:
        raise InvalidTransition(_("A panel judges the final milestone once the solver has reported it."))
    if under_panel(session, item):
        raise InvalidTransition(_("A panel is already judging this milestone."))
    rounds = session.exec(select(func.count()).select_from(AcceptanceReview)
                          .where(AcceptanceReview.contract_id == contract.id)).one()
    acceptance = AcceptanceReview(contract_id=contract.id, deliverable_id=item.id, challenge_id=challenge.id,
                                  organiser_id=user.id, round=rounds + 1, size=data.size, deadline=data.deadline,
                                  criteria=[c.model_dump() for c in criteria_of(challenge, item)])
    insert_once(session, acceptance, _("A panel is already judging this milestone."))
    for assignment in _pick(session, acceptance, contract, challenge, item):
        session.add(assignment)
    session.flush()
    record_event(session, user.id, "acceptance.opened", acceptance, None,
                 snapshot(acceptance, "contract_id", "deliverable_id", "round", "size", "deadline"))
    for reviewer in panellists(session, acceptance.id):
        notify(session, reviewer.user_id, "acceptance.assigned", "/reviews/mine", title=challenge.title,
               deadline=acceptance.deadline.isoformat())
    notify(session, contract.solver_id, "acceptance.opened", link(acceptance), title=challenge.title)
    return acceptance


def criteria_of(challenge: Challenge, item: Deliverable) -> list[AcceptanceCriterion]:
    """The rubric: each of the challenge's indicators (confidential ones too: the panel must check them), the
    final milestone's own indicators, and the challenge's acceptance criteria; the deliverable itself if none."""
    rubric = [AcceptanceCriterion(name=i["name"], target=" ".join(filter(None, (i.get("target"), i.get("unit")))),
                                  method=i.get("method", "")) for i in challenge.indicators]
    if item.indicators.strip():
        rubric.append(AcceptanceCriterion(kind=CriterionKind.MILESTONE, name=item.title,
                                          target=item.indicators.strip()))
    if challenge.acceptance_criteria.strip():
        rubric.append(AcceptanceCriterion(kind=CriterionKind.CRITERIA, target=challenge.acceptance_criteria.strip()))
    return rubric or [AcceptanceCriterion(kind=CriterionKind.DELIVERABLE, name=item.title)]


def _ranked(session: Session, acceptance: AcceptanceReview, contract: Contract, challenge: Challenge,
            item: Deliverable, exclude: set[int]) -> list[AcceptanceAssignment]:
    """Every expert allowed to judge the contract's bid (the conflict rules of expert review) and not in
    `exclude`, as unsaved panel seats, the engine's best first."""
    bid = session.get(Bid, contract.bid_id)
    found = panel.candidates(session, challenge, [bid], query=lambda c, b: _query(c, b, item))  # type: ignore[list-item]
    ranked = sorted(((hit.score, profile_id) for (profile_id, _b), hit in found.hits.items()
                     if profile_id not in exclude), key=lambda pair: (-pair[0], pair[1]))
    return [AcceptanceAssignment(acceptance_id=acceptance.id, profile_id=profile_id,
                                 user_id=found.experts[profile_id].user_id,
                                 match=round(found.hits[(profile_id, contract.bid_id)].score, 6),
                                 reasons=ranking.stored(found.hits[(profile_id, contract.bid_id)].reasons))
            for _score, profile_id in ranked]


def _pick(session: Session, acceptance: AcceptanceReview, contract: Contract, challenge: Challenge,
          item: Deliverable) -> list[AcceptanceAssignment]:
    """The panel's seats at opening; a ValidationError when fewer experts may judge than the panel needs."""
    ranked = _ranked(session, acceptance, contract, challenge, item, exclude=set())
    if len(ranked) < acceptance.size:
        message = _("Only %(n)s experts may judge this contract (conflict rules); ask for a smaller panel.",
                    n=len(ranked))
        raise ValidationError(message, {"size": message})
    return ranked[:acceptance.size]


def _query(challenge: Challenge, bid: Bid, item: Deliverable) -> Query:
    """What the panel judges, as the engine reads it: the bid's approach, the challenge and the final report."""
    return Query(id=f"acceptance-{item.id}", title=challenge.title,
                 text="\n".join((bid.approach, challenge.summary, challenge.acceptance_criteria, item.title,
                                 item.indicators, item.report)),
                 keywords=tuple(challenge.keywords), region="", org=str(challenge.organisation_id))


def replacement(session: Session, acceptance: AcceptanceReview) -> AcceptanceAssignment | None:
    """The best allowed expert never seated on the panel (after a declared conflict), or None."""
    contract = session.get(Contract, acceptance.contract_id)
    challenge = session.get(Challenge, acceptance.challenge_id)
    item = session.get(Deliverable, acceptance.deliverable_id)
    seated = {a.profile_id for a in panellists(session, acceptance.id)}
    ranked = _ranked(session, acceptance, contract, challenge, item, exclude=seated)  # type: ignore[arg-type]
    return ranked[0] if ranked else None


# ---- reading ----

def panels_of(session: Session, contract: Contract) -> list[AcceptanceReview]:
    """A contract's panels, first round first."""
    return list(session.exec(select(AcceptanceReview).where(AcceptanceReview.contract_id == contract.id)
                             .order_by(col(AcceptanceReview.round))))


def panellists(session: Session, acceptance_id: int) -> list[AcceptanceAssignment]:
    """A panel's experts in the order they were seated."""
    return list(session.exec(select(AcceptanceAssignment).where(AcceptanceAssignment.acceptance_id == acceptance_id)
                             .order_by(col(AcceptanceAssignment.id))))


def panel_for(session: Session, user: Account, acceptance_id: int) -> tuple[AcceptanceReview, Contract, Challenge]:
    """A panel the user may read: the contract's parties and government, and its panellists."""
    acceptance = session.get(AcceptanceReview, acceptance_id)
    if acceptance is None:
        raise NotFound(_("No such acceptance panel."))
    contract = session.get(Contract, acceptance.contract_id)
    challenge = session.get(Challenge, acceptance.challenge_id)
    sits = any(a.user_id == user.id for a in panellists(session, acceptance.id))
    if contract is None or challenge is None or not (contracts.may_read(user, contract, challenge) or sits):
        raise NotFound(_("No such acceptance panel."))
    return acceptance, contract, challenge


def read(session: Session, acceptance: AcceptanceReview, named: bool) -> AcceptanceRead:
    """The panel with every panellist's verdicts and the tally per criterion; `named` shows who the panellists
    are (the organiser's side and government), the solver reads the verdicts unnamed."""
    rows = panellists(session, acceptance.id)
    names = dict(session.exec(select(Profile.id, Profile.display_name).where(
        col(Profile.id).in_([a.profile_id for a in rows]))).all()) if named and rows else {}
    judged = [a for a in rows if a.status == AssignmentStatus.DONE]
    tallies = []
    for i, criterion in enumerate(acceptance.criteria):
        marks = [a.verdicts[i] for a in judged if i < len(a.verdicts)]
        tallies.append(CriterionTally(**criterion, met=marks.count(Verdict.MET), partly=marks.count(Verdict.PARTLY),
                                      not_met=marks.count(Verdict.NOT_MET)))
    panel_rows = [PanellistRead(id=a.id, profile_id=a.profile_id if named else None,
                                reviewer=names.get(a.profile_id) if named else None, match=a.match if named else 0.0,
                                reasons=a.reasons if named else [], status=a.status,
                                verdicts=[Verdict(v) for v in a.verdicts], notes=a.notes, conclusion=a.conclusion,
                                comment=a.comment, submitted_at=a.submitted_at) for a in rows]
    passes = sum(a.conclusion == Conclusion.PASS for a in judged)
    return AcceptanceRead(**acceptance.model_dump(include={"id", "contract_id", "deliverable_id", "round", "size",
                                                           "deadline", "status", "passed", "outcome", "reason",
                                                           "created_at", "closed_at"}),
                          passes=passes, fails=len(judged) - passes, judged=len(judged),
                          waiting=sum(a.status == AssignmentStatus.CONFIRMED for a in rows),
                          criteria=tallies, panel=panel_rows)


def may_see_names(session: Session, user: Account, challenge: Challenge) -> bool:
    """The organiser's side and government see who sits on a panel; the solver reads verdicts unnamed."""
    return user.has("government") or may_organise(session, user, challenge)


# ---- concluding ----

def conclude(session: Session, user: Account, acceptance_id: int, data: AcceptanceDecision) -> AcceptanceReview:
    """Conclude the panel once every panellist has judged (or, after its deadline, once any has): a passing panel
    completes the contract; after a failing one the milestone goes back with the organiser's reason (the solver
    reads the panel's verdicts beside it), or the contract is terminated with it."""
    acceptance, contract, challenge = panel_for(session, user, acceptance_id)
    if not may_organise(session, user, challenge):
        raise PermissionDenied(_("Only the panel's organiser may conclude it."))
    if acceptance.status != AcceptanceStatus.OPEN:
        raise InvalidTransition(_("This panel was already concluded."))
    verdicts = read(session, acceptance, named=False)
    _ready(acceptance, verdicts)
    passed = verdicts.passes * 2 > verdicts.judged
    _allowed(passed, data)
    reason = data.reason.strip()
    advance(session, acceptance, AcceptanceStatus.OPEN, status=AcceptanceStatus.CLOSED, passed=passed,
            outcome=data.outcome, reason=reason, closed_at=utcnow())
    record_event(session, user.id, "acceptance.concluded", acceptance, {"status": "open"},
                 snapshot(acceptance, "status", "passed", "outcome", "reason"))
    item = session.get(Deliverable, acceptance.deliverable_id)
    if data.outcome == Outcome.COMPLETE:
        contracts.accept_item(session, user, contract, challenge, item)  # type: ignore[arg-type]
    elif data.outcome == Outcome.RETURN:
        contracts.return_item(session, user, contract, challenge, item, reason)  # type: ignore[arg-type]
    else:
        contracts.end(session, user, contract, challenge, reason)
    return acceptance


def _ready(acceptance: AcceptanceReview, verdicts: AcceptanceRead) -> None:
    if verdicts.judged == 0:
        raise InvalidTransition(_("No panellist has judged yet."))
    if verdicts.waiting and contracts.today() <= acceptance.deadline:
        raise InvalidTransition(_("%(n)s panellists have not judged yet: conclude when all have, or after the "
                                  "deadline.", n=verdicts.waiting))


def _allowed(passed: bool, data: AcceptanceDecision) -> None:
    if passed and data.outcome != Outcome.COMPLETE:
        raise InvalidTransition(_("The panel passed the work: conclude it by completing the contract."))
    if not passed and data.outcome == Outcome.COMPLETE:
        raise InvalidTransition(_("The panel did not pass the work: return the milestone or terminate the contract."))
    if not passed and not data.reason.strip():
        message = _("Say what the solver must do, or why the contract ends.")
        raise ValidationError(message, {"reason": message})


# ---- helpers ----

def _organised(session: Session, user: Account, contract_id: int) -> tuple[Contract, Challenge]:
    contract, challenge = contracts.contract_for(session, user, contract_id)
    if not may_organise(session, user, challenge):
        raise PermissionDenied(_("Only the enterprise that posted this challenge, or government when it funds it, "
                                 "refers a milestone to an acceptance panel."))
    return contract, challenge


def _final(session: Session, contract: Contract) -> Deliverable:
    items = contracts.deliverables(session, contract)
    if not items:
        raise NotFound(_("No such milestone."))
    return items[-1]
