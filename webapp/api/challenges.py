"""Challenge endpoints: post, edit, browse, read, and the workflow actions."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user, login_required

from models.challenges import (
    Challenge,
    ChallengeCreate,
    ChallengeList,
    ChallengeRead,
    ChallengeSearch,
    ChallengeUpdate,
    Reason,
)
from webapp import db
from webapp.api.base import body, bp, query, responses, validate
from webapp.auth import reads_stamps
from webapp.fragments import fragments
from webapp.services import challenges as service
from webapp.services.access import confidential_readable

TAG = "challenges"


def challenge_read(challenge: Challenge, readable: set | None = None) -> ChallengeRead:
    """The API view of a challenge; confidential details only for those entitled (`readable`: the ids the
    user may read, when a list worked them out at once)."""
    read = ChallengeRead.model_validate(challenge, from_attributes=True)
    if readable is None:
        readable = confidential_readable(db.session(), current_user, [challenge])
    return read if challenge.id in readable else redacted(read)


def redacted(read: ChallengeRead) -> ChallengeRead:
    """A challenge's API view without its confidential details and indicators (a copy)."""
    return read.model_copy(update={"confidential_details": None,
                                   "indicators": [i for i in read.indicators if not i.confidential]})


def challenge_list(items: list[Challenge], total: int, page: int, per_page: int) -> ChallengeList:
    """A page of challenges, the confidentiality rights of all of them looked up at once."""
    readable = confidential_readable(db.session(), current_user, items)
    return ChallengeList(items=[challenge_read(c, readable) for c in items], total=total, page=page,
                         per_page=per_page)


@dataclass(frozen=True)
class SharedPage:
    """A page of the published list as everyone entitled sees it, and as everyone else does: the same for
    every caller but for the confidential parts, so kept per worker until a challenge changes."""

    full: tuple[ChallengeRead, ...]
    public: tuple[ChallengeRead, ...]
    total: int


def _shared_page(search: ChallengeSearch) -> SharedPage:
    items, total = service.browse_published(db.session(), search)
    full = tuple(ChallengeRead.model_validate(c, from_attributes=True) for c in items)
    return SharedPage(full=full, public=tuple(redacted(r) for r in full), total=total)


@bp.get("/challenges")
@login_required
@validate(query=ChallengeSearch, resp=responses(200, ChallengeList, 422), tags=[TAG])
@reads_stamps("published")
def list_challenges():
    """Search published challenges (full text in Chinese and English, filters, sort, pages)."""
    search = query()
    session = db.session()
    key = ("api.challenges", search.model_dump_json(), service.browse_version(session, search))
    shared = fragments().value(key, lambda: _shared_page(search))
    readable = confidential_readable(session, current_user, shared.full)
    items = [full if full.id in readable else public for full, public in zip(shared.full, shared.public, strict=True)]
    return ChallengeList(items=items, total=shared.total, page=search.page, per_page=search.per_page)


@bp.get("/challenges/mine")
@login_required
@validate(resp=responses(200, ChallengeList), tags=[TAG])
def my_challenges():
    """The caller's own challenges in every state."""
    items = service.challenges_of(db.session(), current_user)
    return challenge_list(items, len(items), 1, max(1, len(items)))


@bp.post("/challenges")
@login_required
@validate(json=ChallengeCreate, resp=responses(201, ChallengeRead, 403, 422), tags=[TAG])
def create_challenge():
    """Post a new challenge as a draft (enterprise)."""
    challenge = service.create_challenge(db.session(), current_user, body())
    db.commit()
    return challenge_read(challenge), 201


@bp.get("/challenges/<int:challenge_id>")
@login_required
@validate(resp=responses(200, ChallengeRead, 404), tags=[TAG])
def get_challenge(challenge_id: int):
    """Read one challenge."""
    return challenge_read(service.get_challenge(db.session(), current_user, challenge_id))


@bp.patch("/challenges/<int:challenge_id>")
@login_required
@validate(json=ChallengeUpdate, resp=responses(200, ChallengeRead, 403, 404, 409, 422), tags=[TAG])
def update_challenge(challenge_id: int):
    """Edit a draft or rejected challenge (owner)."""
    challenge = service.update_challenge(db.session(), current_user, challenge_id, body())
    db.commit()
    return challenge_read(challenge)


ACTIONS = {
    "submit": service.submit_challenge,
    "withdraw": service.withdraw_challenge,
    "publish": service.publish_challenge,
    "accept-terms": service.accept_terms,
}


@bp.post("/challenges/<int:challenge_id>/<any(submit, withdraw, publish, 'accept-terms'):action>")
@login_required
@validate(resp=responses(200, ChallengeRead, 403, 404, 409, 422), tags=[TAG])
def challenge_action(challenge_id: int, action: str):
    """Submit or withdraw (owner), publish (government), accept confidentiality terms (solver)."""
    challenge = ACTIONS[action](db.session(), current_user, challenge_id)
    db.commit()
    return challenge_read(challenge)


@bp.post("/challenges/<int:challenge_id>/reject")
@login_required
@validate(json=Reason, resp=responses(200, ChallengeRead, 403, 404, 409, 422), tags=[TAG])
def reject_challenge(challenge_id: int):
    """Reject a submitted challenge with a reason (government)."""
    challenge = service.reject_challenge(db.session(), current_user, challenge_id, body().reason)
    db.commit()
    return challenge_read(challenge)
