"""Commissioner dispatch (政府助题): enterprises ask for help, the system proposes an optimal assignment,
government edits and approves it, and dispatches are recorded and notified.

The proposal maximises the total match score of (commissioner, request) pairs under every commissioner's
remaining capacity, each request's wanted count, declared and organisational conflicts, and the optional
same-region rule — solved exactly by matching.assignment (an integer programme), not greedily.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from matching import Query, QueryHit
from matching.assignment import assign
from matching.reverse import rank_queries
from models.accounts import Organisation, User
from models.common import today, utcnow
from models.curation import ConflictDeclaration
from models.dispatch import (
    Dispatch,
    DispatchProposal,
    DispatchRequest,
    DispatchRequestCreate,
    DispatchStatus,
    ProposalCreate,
    ProposalItem,
    ProposalStatus,
    RequestStatus,
    is_live,
)
from models.profiles import Profile, ProfileKind
from webapp.auth import Account
from webapp.services import ranking
from webapp.services.access import require_trusted, untrusted_profiles
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify, notify_role
from webapp.services.transitions import advance, lock_for_reading

LINK = "/government/dispatch"
MIN_PROPOSED_SCORE = 0.1  # below this a match is noise: the solver leaves the place free (government may add by hand)


def _government(user: Account) -> None:
    if not user.has("government"):
        raise PermissionDenied(_("Only government staff dispatch commissioners."))


def request_commissioner(session: Session, user: Account, data: DispatchRequestCreate) -> DispatchRequest:
    """An enterprise asks for science commissioners; government staff are notified."""
    if not user.has("enterprise"):
        raise PermissionDenied(_("Only enterprise accounts request commissioners."))
    require_trusted(user)
    row = DispatchRequest(organisation_id=user.organisation_id, requested_by=user.id, need=data.need,
                          count=data.count)
    session.add(row)
    session.flush()
    record_event(session, user.id, "dispatch.requested", row, None, snapshot(row, "need", "count", "status"))
    organisation = session.get(Organisation, user.organisation_id)
    notify_role(session, "government", "dispatch.requested", LINK, organisation=organisation.name,
                need=data.need[:80])
    return row


def withdraw_request(session: Session, user: Account, request_id: int) -> DispatchRequest:
    """The enterprise withdraws an open request."""
    row = session.get(DispatchRequest, request_id)
    if row is None or row.organisation_id != user.organisation_id or not user.has("enterprise"):
        raise NotFound(_("No such request."))
    if row.status != RequestStatus.OPEN:
        raise InvalidTransition(_("Only an open request can be withdrawn."))
    advance(session, row, RequestStatus.OPEN, status=RequestStatus.WITHDRAWN)
    record_event(session, user.id, "dispatch.request_withdrawn", row, {"status": "open"}, {"status": "withdrawn"})
    return row


def requests_of(session: Session, user: Account) -> list[DispatchRequest]:
    """The requests of the user's organisation, newest first."""
    return list(session.exec(select(DispatchRequest).where(DispatchRequest.organisation_id == user.organisation_id)
                             .order_by(col(DispatchRequest.id).desc())))


def open_requests(session: Session) -> list[tuple[DispatchRequest, Organisation, int]]:
    """Open requests with their organisation and how many commissioners each still wants."""
    rows = session.exec(select(DispatchRequest, Organisation).join(
        Organisation, Organisation.id == DispatchRequest.organisation_id)
        .where(DispatchRequest.status == RequestStatus.OPEN).order_by(col(DispatchRequest.id)))
    served = _served(session)
    return [(r, o, r.count - served[r.id]) for r, o in rows]


def requests_for(session: Session, user: Account) -> list[tuple[DispatchRequest, Organisation, QueryHit]]:
    """Open requests still wanting commissioners that the engine ranks for the user's own profile (their
    fields), best first — never an organisation they declared a conflict with or already serve."""
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).first()
    rows = {str(r.id): (r, o) for r, o, wanted in open_requests(session) if wanted > 0}
    if profile is None or not rows:
        return []
    avoid = {str(o) for o in session.exec(select(ConflictDeclaration.organisation_id).where(
        ConflictDeclaration.profile_id == profile.id))} | {str(o) for o in session.exec(
        select(Dispatch.organisation_id).where(Dispatch.commissioner_profile_id == profile.id, is_live()))}
    candidate = replace(ranking.profile_candidate(session, profile), conflicts=tuple(sorted(avoid)))
    queries = [Query(id=key, text=r.need, region=o.region.value, org=str(o.id)) for key, (r, o) in rows.items()]
    hits = rank_queries(ranking.engine(session), candidate, queries, k=0)
    return [(*rows[h.query_id], h) for h in hits if h.score >= MIN_PROPOSED_SCORE]


def _served(session: Session) -> Counter:
    """How many commissioners each request already got from approved proposals."""
    return Counter(session.exec(select(ProposalItem.request_id).where(col(ProposalItem.dispatch_id).is_not(None))))


def remaining_capacity(session: Session) -> dict[int, int]:
    """Each available commissioner's free places: capacity minus current load (live dispatches)."""
    load = ranking.current_loads(session)
    commissioners = session.exec(select(Profile).where(Profile.kind == ProfileKind.COMMISSIONER))
    return {p.id: max(0, p.capacity - load.get(p.id, 0)) if p.available else 0 for p in commissioners}


def pair_scores(session: Session, requests: list[tuple[DispatchRequest, Organisation]], same_region: bool):
    """Allowed (commissioner, request) pairs with score and reasons (conflicts and other regions left out)."""
    engine = ranking.engine(session)
    barred: dict[int, set[int]] = {}  # organisation → commissioners declared in conflict or already serving it
    for profile_id, organisation_id in [*session.exec(select(ConflictDeclaration.profile_id,
                                                               ConflictDeclaration.organisation_id)),
                                        *session.exec(select(Dispatch.commissioner_profile_id,
                                                             Dispatch.organisation_id).where(is_live()))]:
        barred.setdefault(organisation_id, set()).add(profile_id)
    untrusted = untrusted_profiles(session)
    commissioners = {p.id: p for p in session.exec(select(Profile).where(Profile.kind == ProfileKind.COMMISSIONER))}
    scored: dict[tuple[str, str], tuple[float, tuple[str, ...]]] = {}
    for request, organisation in requests:
        query = Query(id=f"request-{request.id}", text=request.need, region=organisation.region.value,
                      org=str(organisation.id),
                      conflicts=tuple(str(p) for p in sorted(barred.get(organisation.id, set()) | untrusted)))
        for hit in engine.rank(query, k=0, kinds={ProfileKind.COMMISSIONER.value}):
            profile = commissioners.get(int(hit.candidate_id))
            if profile is None or (same_region and profile.region != organisation.region):
                continue
            scored[(str(profile.id), str(request.id))] = (hit.score, hit.reasons)
    return scored


def propose(session: Session, user: Account, data: ProposalCreate) -> DispatchProposal:
    """Solve the optimal assignment for the chosen open requests and store it as a draft proposal."""
    _government(user)
    wanted_of = {r.id: (r, o, n) for r, o, n in open_requests(session)}
    unknown = [rid for rid in data.request_ids if rid not in wanted_of]
    if unknown:
        message = _("These requests are not open: %(ids)s.", ids=", ".join(map(str, unknown)))
        raise ValidationError(message, {"request_ids": message})
    chosen = [wanted_of[rid] for rid in dict.fromkeys(data.request_ids)]
    scored = pair_scores(session, [(r, o) for r, o, _n in chosen], data.same_region)
    capacity = {str(pid): free for pid, free in remaining_capacity(session).items()}
    allowed = {pair: s for pair, (s, _r) in scored.items() if s >= MIN_PROPOSED_SCORE}
    pairs = assign(allowed, capacity, {str(r.id): n for r, _o, n in chosen})
    proposal = DispatchProposal(created_by=user.id, request_ids=[r.id for r, _o, _n in chosen],
                                same_region=data.same_region, start_date=data.start_date,
                                end_date=data.end_date, total_score=round(sum(p.score for p in pairs), 6))
    session.add(proposal)
    session.flush()
    for pair in pairs:
        session.add(ProposalItem(proposal_id=proposal.id, request_id=int(pair.request),
                                 commissioner_profile_id=int(pair.candidate), score=pair.score,
                                 reasons=ranking.stored(scored[(pair.candidate, pair.request)][1])))
    record_event(session, user.id, "dispatch.proposed", proposal, None,
                 {"requests": proposal.request_ids, "pairs": len(pairs),
                  "total_score": proposal.total_score})
    return proposal


def recent_proposals(session: Session, limit: int = 20) -> list[tuple[DispatchProposal, int]]:
    """The newest proposals with how many pairs each holds (drafts can be taken up again)."""
    proposals = list(session.exec(select(DispatchProposal).order_by(col(DispatchProposal.id).desc()).limit(limit)))
    counts = Counter(session.exec(select(ProposalItem.proposal_id).where(
        col(ProposalItem.proposal_id).in_([p.id for p in proposals]))))
    return [(p, counts[p.id]) for p in proposals]


def draft(session: Session, user: Account, proposal_id: int, editing: bool = True) -> DispatchProposal:
    """A proposal government may still edit; an edit holds it (share lock) so no approval commits under it."""
    proposal = proposal_of(session, user, proposal_id)
    if editing:
        lock_for_reading(session, proposal)
    if proposal.status != ProposalStatus.DRAFT:
        raise InvalidTransition(_("This proposal was already decided."))
    return proposal


def proposal_of(session: Session, user: Account, proposal_id: int) -> DispatchProposal:
    """A proposal, for government only."""
    _government(user)
    proposal = session.get(DispatchProposal, proposal_id)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def items_of(session: Session, proposal: DispatchProposal) -> list[ProposalItem]:
    """A proposal's pairs, by request then best score."""
    return list(session.exec(select(ProposalItem).where(ProposalItem.proposal_id == proposal.id)
                             .order_by(col(ProposalItem.request_id), col(ProposalItem.score).desc())))


def remove_item(session: Session, user: Account, proposal_id: int, item_id: int) -> None:
    """Take a pair out of a draft proposal."""
    proposal = draft(session, user, proposal_id)
    item = session.get(ProposalItem, item_id)
    if item is None or item.proposal_id != proposal.id:
        raise NotFound(_("No such proposed pair."))
    record_event(session, user.id, "dispatch.pair_removed", proposal, snapshot(item, "request_id",
                 "commissioner_profile_id"), None)
    session.delete(item)
    _rescore(session, proposal)


def add_item(session: Session, user: Account, proposal_id: int, request_id: int, profile_id: int) -> ProposalItem:
    """Add a pair by hand; it must obey the same rules as the solver's pairs."""
    proposal = draft(session, user, proposal_id)
    open_ = {r.id: (r, o) for r, o, _n in open_requests(session)}
    if request_id not in open_:
        raise ValidationError(_("That request is not open."), {"request_id": _("That request is not open.")})
    scored = pair_scores(session, [open_[request_id]], proposal.same_region)
    found = scored.get((str(profile_id), str(request_id)))
    if found is None:
        message = _("This commissioner cannot serve this request: a conflict of interest, another region, "
                    "already serving it, or no matching expertise.")
        raise ValidationError(message, {"commissioner_profile_id": message})
    items = items_of(session, proposal)
    if any(i.request_id == request_id and i.commissioner_profile_id == profile_id for i in items):
        raise Conflict(_("This pair is already in the proposal."))
    item = ProposalItem(proposal_id=proposal.id, request_id=request_id, commissioner_profile_id=profile_id,
                        score=found[0], reasons=ranking.stored(found[1]), added_by_hand=True)
    session.add(item)
    session.flush()
    record_event(session, user.id, "dispatch.pair_added", proposal, None,
                 {"request_id": request_id, "commissioner_profile_id": profile_id})
    _rescore(session, proposal)
    return item


def _rescore(session: Session, proposal: DispatchProposal) -> None:
    session.flush()
    proposal.total_score = round(sum(i.score for i in items_of(session, proposal)), 6)
    session.add(proposal)


def check(session: Session, proposal: DispatchProposal, items: list[ProposalItem]) -> None:
    """Refuse a proposal that breaks a capacity or a wanted count (an edit may have done so)."""
    free = remaining_capacity(session)
    wanted = {r.id: n for r, _o, n in open_requests(session)}
    for profile_id, used in Counter(i.commissioner_profile_id for i in items).items():
        if used > free.get(profile_id, 0):
            profile = session.get(Profile, profile_id)
            raise ValidationError(_("%(name)s has only %(n)s free places.", name=profile.display_name,
                                    n=free.get(profile_id, 0)))
    for request_id, used in Counter(i.request_id for i in items).items():
        if request_id not in wanted:
            raise ValidationError(_("Request %(id)s is no longer open.", id=request_id))
        if used > wanted[request_id]:
            raise ValidationError(_("Request %(id)s asked for %(n)s commissioners.", id=request_id,
                                    n=wanted[request_id]))


def approve(session: Session, user: Account, proposal_id: int) -> list[Dispatch]:
    """Record a dispatch per pair, close fulfilled requests, notify commissioners and enterprises.

    The proposal's conditional update decides between concurrent approvals (one wins, the others 409);
    the requests' and commissioners' rows are then locked until commit (PostgreSQL; SQLite lets one
    writer in at a time), so a withdrawal or another proposal's approval cannot slip in under the checks.
    """
    proposal = draft(session, user, proposal_id, editing=False)
    advance(session, proposal, ProposalStatus.DRAFT, status=ProposalStatus.APPROVED, decided_at=utcnow())
    items = items_of(session, proposal)
    if not items:
        raise ValidationError(_("The proposal has no pairs to approve."))
    _lock(session, DispatchRequest, {i.request_id for i in items})
    _lock(session, Profile, {i.commissioner_profile_id for i in items})
    check(session, proposal, items)
    status = DispatchStatus.ACTIVE if proposal.start_date <= today() else DispatchStatus.PLANNED
    dispatches = [_dispatch(session, user, proposal, item, status) for item in items]
    served = _served(session)
    for request_id in {i.request_id for i in items}:
        request = session.get(DispatchRequest, request_id)
        if served[request_id] >= request.count:
            advance(session, request, RequestStatus.OPEN, status=RequestStatus.FULFILLED)
    record_event(session, user.id, "dispatch.approved", proposal, {"status": "draft"},
                 {"status": "approved", "dispatches": [d.id for d in dispatches]})
    return dispatches


def _lock(session: Session, model: type[Profile] | type[DispatchRequest], ids: set[int]) -> None:
    """Lock rows until commit and read them afresh (ids sorted: every approval locks in one order)."""
    session.exec(select(model).where(col(model.id).in_(sorted(ids))).order_by(col(model.id))
                 .with_for_update().execution_options(populate_existing=True)).all()


def _dispatch(session: Session, user: Account, proposal: DispatchProposal, item: ProposalItem,
              status: DispatchStatus) -> Dispatch:
    request = session.get(DispatchRequest, item.request_id)
    profile = session.get(Profile, item.commissioner_profile_id)
    organisation = session.get(Organisation, request.organisation_id)
    dispatch = Dispatch(commissioner_profile_id=profile.id, organisation_id=organisation.id,
                        start_date=proposal.start_date, end_date=proposal.end_date, status=status,
                        created_by=user.id)
    session.add(dispatch)
    session.flush()
    item.dispatch_id = dispatch.id
    session.add(item)
    profile.updated_at = utcnow()  # its load changed: every worker's engine refreshes it
    session.add(profile)
    session.flush()
    record_event(session, user.id, "dispatch.created", dispatch, None,
                 snapshot(dispatch, "commissioner_profile_id", "organisation_id", "start_date", "end_date"))
    period = {"start": proposal.start_date.isoformat(), "end": proposal.end_date.isoformat()}
    notify(session, profile.user_id, "dispatch.assigned", "/dispatches", organisation=organisation.name, **period)
    notify(session, request.requested_by, "dispatch.approved", "/dispatches", name=profile.display_name, **period)
    return dispatch


def discard(session: Session, user: Account, proposal_id: int) -> DispatchProposal:
    """Drop a draft proposal; its requests stay open."""
    proposal = draft(session, user, proposal_id, editing=False)
    advance(session, proposal, ProposalStatus.DRAFT, status=ProposalStatus.DISCARDED, decided_at=utcnow())
    record_event(session, user.id, "dispatch.discarded", proposal, {"status": "draft"}, {"status": "discarded"})
    return proposal


def dispatches_for(session: Session, user: Account) -> list[tuple]:
    """Dispatches the user takes part in: as the commissioner, or as the served organisation (all for government),
    each with the enterprise's need and who asked (name, e-mail) when it came from a request."""
    statement = select(Dispatch, Profile, Organisation, DispatchRequest.need, User.name, User.email) \
        .join(Profile, Profile.id == Dispatch.commissioner_profile_id) \
        .join(Organisation, Organisation.id == Dispatch.organisation_id) \
        .outerjoin(ProposalItem, ProposalItem.dispatch_id == Dispatch.id) \
        .outerjoin(DispatchRequest, DispatchRequest.id == ProposalItem.request_id) \
        .outerjoin(User, User.id == DispatchRequest.requested_by).order_by(col(Dispatch.id).desc())
    if not user.has("government"):
        statement = statement.where((Profile.user_id == user.id) | (Dispatch.organisation_id == user.organisation_id))
    return list(session.exec(statement))


@dataclass
class ProposalView:
    """What the proposal page shows: pairs, their requests and commissioners, and choices to add by hand."""

    proposal: DispatchProposal
    items: list[ProposalItem]
    requests: dict[int, tuple[DispatchRequest, Organisation]] = field(default_factory=dict)
    profiles: dict[int, Profile] = field(default_factory=dict)
    options: dict[int, list[tuple[Profile, float]]] = field(default_factory=dict)


def proposal_view(session: Session, user: Account, proposal_id: int, choices: int = 10) -> ProposalView:
    """A proposal with everything its page needs; a draft also gets the best commissioners to add."""
    proposal = proposal_of(session, user, proposal_id)
    view = ProposalView(proposal, items_of(session, proposal))
    for request_id in {i.request_id for i in view.items} | set(proposal.request_ids):
        request = session.get(DispatchRequest, request_id)
        view.requests[request_id] = (request, session.get(Organisation, request.organisation_id))
    view.profiles = {p.id: p for p in session.exec(select(Profile).where(Profile.kind == ProfileKind.COMMISSIONER))}
    if proposal.status == ProposalStatus.DRAFT:
        live = [(r, o) for r, o in view.requests.values() if r.status == RequestStatus.OPEN]
        taken = {(i.commissioner_profile_id, i.request_id) for i in view.items}
        for (pid, rid), (score, _reasons) in sorted(pair_scores(session, live, proposal.same_region).items(),
                                                   key=lambda kv: -kv[1][0]):
            if (int(pid), int(rid)) not in taken and len(view.options.setdefault(int(rid), [])) < choices:
                view.options[int(rid)].append((view.profiles[int(pid)], score))
    return view

