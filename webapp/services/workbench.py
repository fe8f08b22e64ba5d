"""Workbenches: what needs each person now, with counts and links — the home page after sign-in.

Each role's list is a handful of count queries (and short lists where a count alone does not say what to open);
a list that is empty says so rather than disappearing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, literal, union_all
from sqlmodel import Session, col, select

from models.acceptance import AcceptanceAssignment, AcceptanceReview, AcceptanceStatus
from models.accounts import Organisation, OrgStatus, User
from models.challenges import OPEN_BID_STATUSES, Bid, BidStatus, Challenge, ChallengeStatus
from models.clarifications import Question, QuestionStatus
from models.contracts import Contract, ContractStatus, Deliverable, DeliverableStatus
from models.curation import CuratorDecision, Invitation, InvitationStatus
from models.dispatch import Dispatch, DispatchRequest, RequestStatus, is_live
from models.profiles import Document as ProfileDocument
from models.profiles import Profile
from models.reviews import AssignmentStatus, Review, ReviewAssignment, ReviewStatus
from models.subsidies import Milestone, MilestoneStatus, Subsidy
from models.teams import BidMember, MemberStatus
from webapp.auth import Account
from webapp.i18n import day, label
from webapp.services import contracts, curation, dispatch


@dataclass
class Item:
    """One line of a workbench: what, how many, where to do it, and a few of the records."""

    label: str
    count: int
    link: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # (text, link)
    key: str = ""  # names the line for scripts and tests when its link is shared with another line


def workbench(session: Session, user: Account) -> list[Item]:
    """The user's work, role by role."""
    items: list[Item] = []
    for role, build in ROLES:
        if user.has(role):
            items += build(session, user)
    return items


def _count(session: Session, statement) -> int:
    return _counts(session, statement)[0]


def _counts(session: Session, *statements) -> list[int]:
    """How many rows each statement selects, in one round trip."""
    return list(session.execute(select(*(select(func.count()).select_from(s.subquery()).scalar_subquery()
                                         for s in statements))).one())


def _lists(session: Session, *lists: tuple) -> list[list[tuple[int, str]]]:
    """Several (id, title) lists, each a (statement, order) pair, in one round trip (UNION ALL); each list in
    its own order."""
    branches = [statement.add_columns(literal(n).label("list"), func.row_number().over(order_by=order).label("at"))
                for n, (statement, order) in enumerate(lists)]
    found: list[list[tuple[int, str]]] = [[] for _ in lists]
    for id_, title, n, _at in sorted(session.execute(union_all(*branches)).all(), key=lambda r: (r[2], r[3])):
        found[n].append((id_, title))
    return found


def _enterprise(session: Session, user: Account) -> list[Item]:
    """An enterprise's work: six counts in one round trip, the open questions, then the contracts."""
    mine = select(Challenge.id).where(Challenge.owner_id == user.id)
    questions = session.exec(select(Question.id, Challenge.id, Challenge.title).join(
        Challenge, Challenge.id == Question.challenge_id).where(
        Challenge.owner_id == user.id, Question.status == QuestionStatus.OPEN,
        Challenge.status == ChallengeStatus.PUBLISHED).order_by(col(Question.id))).all()
    milestones = select(Milestone.id).join(Subsidy, Subsidy.id == Milestone.subsidy_id).join(
        Challenge, Challenge.id == Subsidy.challenge_id).where(
        Challenge.owner_id == user.id, col(Milestone.status).in_((MilestoneStatus.PENDING, MilestoneStatus.RETURNED)),
        col(Challenge.status).in_((ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)))
    drafts, returned, bids, declined, panels, to_report = _counts(
        session, mine.where(Challenge.status == ChallengeStatus.DRAFT),
        mine.where(Challenge.status == ChallengeStatus.REJECTED),
        select(Bid.id).join(Challenge, Challenge.id == Bid.challenge_id).where(
            Challenge.owner_id == user.id, Challenge.status == ChallengeStatus.PUBLISHED,
            col(Bid.status).in_(OPEN_BID_STATUSES)),
        select(Invitation.id).join(Challenge, Challenge.id == Invitation.challenge_id).where(
            Challenge.owner_id == user.id, Invitation.status == InvitationStatus.DECLINED,
            Challenge.status == ChallengeStatus.PUBLISHED),
        select(Review.id).join(Challenge, Challenge.id == Review.challenge_id).where(
            Challenge.owner_id == user.id, Review.status == ReviewStatus.PROPOSED),
        milestones)
    return [
        Item(_("Drafts to finish and submit"), drafts, "/challenges/mine"),
        Item(_("Challenges returned by the reviewer"), returned, "/challenges/mine"),
        Item(_("Open bids to review"), bids, "/challenges/mine"),
        Item(_("Questions to answer"), len(questions), "/challenges/mine",
             [(title, f"/challenges/{cid}#question-{qid}") for qid, cid, title in questions[:5]]),
        Item(_("Invitations to bid that solvers declined"), declined, "/challenges/mine"),
        Item(_("Review panels to confirm"), panels, "/challenges/mine"),
        Item(_("Milestones to report"), to_report, "/challenges/mine"),
        *_enterprise_contracts(session, user),
    ]


def _enterprise_contracts(session: Session, user: Account) -> list[Item]:
    """After the award: accepted bids still without a contract, terms the solver wants changed, milestones
    reported and waiting for acceptance."""
    drawn = select(Contract.bid_id)
    awaiting = session.exec(select(Challenge.id, Challenge.title).join(Bid, Bid.challenge_id == Challenge.id).where(
        Challenge.owner_id == user.id, Bid.status == BidStatus.ACCEPTED, col(Bid.id).not_in(drawn),
        col(Challenge.status).in_((ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)))).all()
    changes = _contracts(session, (Challenge.owner_id == user.id, Contract.status == ContractStatus.CHANGES_REQUESTED))
    reported = session.exec(_with_deliverables(select(Contract.id, Challenge.title, Deliverable.title)).where(
        Challenge.owner_id == user.id, Deliverable.status == DeliverableStatus.REPORTED,
        Contract.status == ContractStatus.CONFIRMED).order_by(col(Deliverable.reported_at))).all()
    return [
        Item(_("Accepted bids awaiting a contract"), len(awaiting), "/challenges/mine",
             [(t, f"/challenges/{c}#contracts") for c, t in awaiting[:5]]),
        Item(_("Contract terms the solver asked to change"), len(changes), "/contracts",
             [(t, f"/contracts/{c}/edit") for c, t in changes[:5]]),
        Item(_("Delivered milestones to accept"), len(reported), "/contracts",
             [(f"{t} · {m}", f"/contracts/{c}#milestones") for c, t, m in reported[:5]]),
        _to_conclude(session, user),
    ]


def _to_conclude(session: Session, user: Account) -> Item:
    """Acceptance panels the user organised whose panellists have all judged."""
    waiting = select(AcceptanceAssignment.acceptance_id).where(
        AcceptanceAssignment.status == AssignmentStatus.CONFIRMED)
    ready = session.exec(select(AcceptanceReview.contract_id, Challenge.title).join(
        Challenge, Challenge.id == AcceptanceReview.challenge_id).where(
        AcceptanceReview.organiser_id == user.id, AcceptanceReview.status == AcceptanceStatus.OPEN,
        col(AcceptanceReview.id).not_in(waiting)).order_by(col(AcceptanceReview.id))).all()
    return Item(_("Acceptance panels to conclude"), len(ready), "/contracts",
                [(t, f"/contracts/{c}#acceptance") for c, t in ready[:5]], key="conclude")


def _solver_contracts(session: Session, user: Account, proposed: list[tuple[int, str]]) -> list[Item]:
    """Terms to confirm, and milestones of confirmed contracts to deliver (the next one of each contract)."""
    open_items = session.exec(_with_deliverables(select(Contract.id, Challenge.title, Deliverable)).where(
        Contract.solver_id == user.id, Contract.status == ContractStatus.CONFIRMED,
        Deliverable.status != DeliverableStatus.ACCEPTED).order_by(col(Deliverable.position))).all()
    first: dict[int, tuple[str, Deliverable]] = {}
    for contract, title, item in open_items:
        first.setdefault(contract, (title, item))
    next_items = {c: (t, d) for c, (t, d) in first.items() if d.status != DeliverableStatus.REPORTED}
    return [
        Item(_("Contract terms to confirm"), len(proposed), "/contracts",
             [(t, f"/contracts/{c}") for c, t in proposed[:5]]),
        Item(_("Milestones to deliver"), len(next_items), "/contracts",
             [(Markup("{} · {} · {}{}").format(t, d.title, day(d.due), _overdue(d)), f"/contracts/{c}#milestones")
              for c, (t, d) in sorted(next_items.items(), key=lambda pair: pair[1][1].due)[:5]]),
    ]


def _overdue(item: Deliverable) -> str:
    return f" · {_('overdue')}" if contracts.is_overdue(item) else ""


def _with_deliverables(statement):
    return statement.join(Challenge, Challenge.id == Contract.challenge_id).join(
        Deliverable, Deliverable.contract_id == Contract.id)


def _contracts(session: Session, where: tuple) -> list[tuple[int, str]]:
    return _lists(session, _contracts_list(where))[0]


def _contracts_list(where: tuple) -> tuple:
    return select(Contract.id, Challenge.title).join(Challenge, Challenge.id == Contract.challenge_id).where(
        *where), col(Contract.updated_at)


def _solver(session: Session, user: Account) -> list[Item]:
    """A solver's work: four counts in one round trip, three short lists in another, then the milestones."""
    profile = select(Profile.id).where(Profile.user_id == user.id)
    team = select(BidMember.id).join(Bid, Bid.id == BidMember.bid_id).where(
        BidMember.user_id == user.id, BidMember.status == MemberStatus.INVITED, col(Bid.status).in_(OPEN_BID_STATUSES))
    bids = select(Bid.id).where(Bid.solver_id == user.id)
    team, open_bids, accepted, waiting = _counts(
        session, team, bids.where(col(Bid.status).in_(OPEN_BID_STATUSES)), bids.where(Bid.status == BidStatus.ACCEPTED),
        _reviews_waiting(user))
    invited, proposed, seats = _lists(session, (select(Challenge.id, Challenge.title).join(
        Invitation, Invitation.challenge_id == Challenge.id).where(
        col(Invitation.profile_id).in_(profile), Invitation.status == InvitationStatus.INVITED,
        Challenge.status == ChallengeStatus.PUBLISHED), col(Invitation.id)),
        _contracts_list((Contract.solver_id == user.id, Contract.status == ContractStatus.PROPOSED)), _seats(user))
    return [
        Item(_("Invitations to bid"), len(invited), "/bids/mine", [(t, f"/challenges/{c}") for c, t in invited[:5]]),
        Item(_("Team bids to confirm"), team, "/bids/mine#teams"),
        Item(_("My open bids"), open_bids, "/bids/mine"),
        Item(_("My accepted bids"), accepted, "/bids/mine"),
        *_solver_contracts(session, user, proposed),
        *_reviewer(waiting, seats),
    ]


def _reviews_waiting(user: Account):
    return select(ReviewAssignment.id).join(Review, Review.id == ReviewAssignment.review_id).where(
        ReviewAssignment.user_id == user.id, ReviewAssignment.status == AssignmentStatus.CONFIRMED,
        Review.status == ReviewStatus.OPEN)


def _seats(user: Account) -> tuple:
    """The user's open acceptance-panel seats, soonest deadline first (a _lists entry)."""
    return select(AcceptanceAssignment.id, Challenge.title).join(
        AcceptanceReview, AcceptanceReview.id == AcceptanceAssignment.acceptance_id).join(
        Challenge, Challenge.id == AcceptanceReview.challenge_id).where(
        AcceptanceAssignment.user_id == user.id, AcceptanceAssignment.status == AssignmentStatus.CONFIRMED,
        AcceptanceReview.status == AcceptanceStatus.OPEN), col(AcceptanceReview.deadline)


def _reviewer(waiting: int, seats: list[tuple[int, str]]) -> list[Item]:
    return [Item(_("Bids to score as an expert"), waiting, "/reviews/mine"),
            Item(_("Final deliveries to judge on an acceptance panel (验收)"), len(seats), "/reviews/mine",
                 [(t, f"/acceptance/seats/{a}") for a, t in seats[:5]], key="acceptance")]


FIELD_DEPTH = 200  # how far down a person's own ranking of published challenges still counts as "their field"


def _manager(session: Session, user: Account) -> list[Item]:
    uncurated = dict(session.exec(select(Challenge.id, Challenge.title).where(
        Challenge.status == ChallengeStatus.PUBLISHED,
        col(Challenge.id).not_in(select(CuratorDecision.challenge_id).distinct()))
        .order_by(col(Challenge.published_at))).all())
    mine = session.exec(select(CuratorDecision.challenge_id, CuratorDecision.profile_id).where(
        CuratorDecision.curator_id == user.id, CuratorDecision.decision == "recommend")).all()
    invited = _count(session, select(Invitation.id).where(
        col(Invitation.challenge_id).in_([c for c, _p in mine] or [0]),
        col(Invitation.profile_id).in_([p for _c, p in mine] or [0]))) if mine else 0
    return [
        _in_fields(session, user, uncurated),
        Item(_("All published challenges nobody has curated yet (oldest first)"), len(uncurated), "/challenges/",
             [(t, f"/challenges/{c}/candidates") for c, t in list(uncurated.items())[:5]]),
        Item(_("My recommendations (of which the enterprise invited)"), len(mine), "/curation/outcomes",
             [(_("%(n)s invited to bid", n=invited), "/curation/outcomes")] if mine else []),
        *_reviewer(_count(session, _reviews_waiting(user)), _lists(session, _seats(user))[0]),
    ]


def _in_fields(session: Session, user: Account, uncurated: dict[int, str]) -> Item:
    """Uncurated challenges among those the engine ranks for the manager's own profile, oldest first; a
    manager whose profile says nothing yet is sent to fill it in."""
    ranked = curation.challenges_for(session, user, k=FIELD_DEPTH)
    if not ranked and not _described(session, user):
        return Item(_("Describe your fields in your profile to see the challenges in them"), 0, "/profiles/me")
    mine = sorted((c for c, _hit in ranked if c.id in uncurated), key=lambda c: (c.published_at or c.created_at, c.id))
    return Item(_("Uncurated challenges in your fields (oldest first)"), len(mine), "/challenges/",
                [(c.title, f"/challenges/{c.id}/candidates") for c in mine[:5]], key="in-fields")


def _described(session: Session, user: Account) -> bool:
    """Whether the user's profile gives the engine anything to match: an expertise text or a document."""
    profile = session.exec(select(Profile.id, Profile.expertise).where(Profile.user_id == user.id)).first()
    if profile is None:
        return False
    return bool(profile[1].strip()) or session.exec(select(ProfileDocument.id).where(
        ProfileDocument.profile_id == profile[0]).limit(1)).first() is not None


def _commissioner(session: Session, user: Account) -> list[Item]:
    profile = session.exec(select(Profile.id).where(Profile.user_id == user.id)).first() or 0
    dispatches = session.exec(select(Dispatch, Organisation.name).join(
        Organisation, Organisation.id == Dispatch.organisation_id).where(
        Dispatch.commissioner_profile_id == profile, is_live())).all()
    fitting = dispatch.requests_for(session, user)
    return [
        Item(_("Current and upcoming dispatches"), len(dispatches), "/dispatches",
             [(Markup("{} · {} – {}").format(name, day(d.start_date), day(d.end_date)), "/dispatches")
              for d, name in dispatches[:5]]),
        Item(_("Open requests for commissioners in your fields"), len(fitting), "/dispatches#requests",
             [(f"{org.name} · {request.need[:40]}", "/dispatches#requests") for request, org, _hit in fitting[:5]]),
    ]


def _government(session: Session, user: Account) -> list[Item]:
    by_status = dict(session.exec(select(Challenge.status, func.count()).group_by(Challenge.status)).all())
    reported, requests, pending, managers = _counts(
        session, select(Milestone.id).where(Milestone.status == MilestoneStatus.REPORTED),
        select(DispatchRequest.id).where(DispatchRequest.status == RequestStatus.OPEN), _pending_organisations(),
        select(CuratorDecision.curator_id).where(CuratorDecision.decision == "recommend").distinct())
    return [
        Item(_("Challenges to vet"), by_status.get(ChallengeStatus.SUBMITTED, 0), "/government/vetting"),
        Item(_("Challenges by status"), sum(by_status.values()), "/government/challenges",
             [(f"{_status(s)} {n}", f"/government/challenges?status={s.value}") for s, n in sorted(
                 by_status.items(), key=lambda pair: list(ChallengeStatus).index(pair[0]))]),
        Item(_("Milestones reported, waiting for release"), reported, "/government/challenges?status=awarded"),
        Item(_("Open requests for commissioners"), requests, "/government/dispatch"),
        Item(_("Organisations to verify"), pending, "/government/organisations"),
        Item(_("Technical managers with recommendations (their outcomes)"), managers, "/curation/outcomes"),
    ]


def _admin(session: Session, user: Account) -> list[Item]:
    accounts, pending = _counts(session, select(User.id), _pending_organisations())
    return [
        Item(_("Accounts"), accounts, "/admin/accounts"),
        Item(_("Organisations to verify"), pending, "/government/organisations"),
        Item(_("Audit log"), 0, "/admin/audit"),
    ]


def _pending_organisations():
    return select(Organisation.id).where(Organisation.status == OrgStatus.PENDING)


def _status(status: ChallengeStatus) -> str:
    return label("status", status)


ROLES = (("enterprise", _enterprise), ("solver", _solver), ("manager", _manager), ("commissioner", _commissioner),
         ("government", _government), ("admin", _admin))
