"""Government's watch list and blacklist (失信名单): list an organisation or a person with a reason and a period,
lift an entry, and decide the listed party's appeal. Every change is audited and notified.

What a blacklist entry bars during its period is enforced where it happens (access.require_not_barred and
access.untrusted_profiles_query): bidding, being ranked or recommended, reviewing, receiving a subsidy.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.accounts import Organisation, User
from models.common import today, utcnow
from models.credit import (
    AppealStatus,
    CreditListing,
    ListingCreate,
    ListingRead,
    ListingStatus,
)
from webapp.auth import Account
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify, notify_role
from webapp.services.transitions import advance, advanced

LINK = "/credit"


def _government(user: Account) -> None:
    if not user.has("government"):
        raise PermissionDenied(_("Only government staff keep the credit lists."))


def list_party(session: Session, user: Account, data: ListingCreate) -> CreditListing:
    """Government puts an organisation (by exact name) or a person (by e-mail) on the watch list or blacklist."""
    _government(user)
    org, person = _party(session, data)
    entry = CreditListing(kind=data.kind, organisation_id=org.id if org else None,
                          user_id=person.id if person else None, reason=data.reason, start_date=data.start_date,
                          end_date=data.end_date, created_by=user.id)
    session.add(entry)
    session.flush()
    record_event(session, user.id, f"credit.{data.kind.value}", entry, None,
                 snapshot(entry, "kind", "organisation_id", "user_id", "reason", "start_date", "end_date"))
    _tell_party(session, entry, "credit.listed", listing=_kind(entry), reason=entry.reason,
                end=entry.end_date.isoformat())
    return entry


def _party(session: Session, data: ListingCreate) -> tuple[Organisation | None, User | None]:
    name, email = data.organisation.strip(), data.email.strip().lower()
    if bool(name) == bool(email):
        message = _("Name exactly one party: an organisation or a person's e-mail.")
        raise ValidationError(message, {"organisation": message, "email": message})
    if name:
        org = session.exec(select(Organisation).where(Organisation.name == name)).first()
        if org is None:
            raise ValidationError(_("No organisation has this name."), {"organisation": _("No organisation has this "
                                                                                          "name.")})
        return org, None
    person = session.exec(select(User).where(User.email == email)).first()
    if person is None:
        raise ValidationError(_("No account has this e-mail."), {"email": _("No account has this e-mail.")})
    return None, person


def lift(session: Session, user: Account, entry_id: int, text: str) -> CreditListing:
    """Government ends an entry early, saying why; a pending appeal is thereby granted."""
    _government(user)
    entry = _entry(session, entry_id)
    if entry.status != ListingStatus.ACTIVE:
        raise InvalidTransition(_("This entry was already lifted."))
    appeal = AppealStatus.GRANTED if entry.appeal == AppealStatus.PENDING else entry.appeal
    advance(session, entry, ListingStatus.ACTIVE, status=ListingStatus.LIFTED, decision=text, decided_at=utcnow(),
            appeal=appeal)
    record_event(session, user.id, "credit.lifted", entry, {"status": "active"},
                 snapshot(entry, "status", "decision"))
    _tell_party(session, entry, "credit.lifted", listing=_kind(entry), reason=text)
    return entry


def appeal(session: Session, user: Account, entry_id: int, text: str) -> CreditListing:
    """The listed person, or a member of the listed organisation, appeals once while the entry is in force."""
    entry = _entry(session, entry_id)
    if not names(entry, user):
        raise NotFound(_("No such entry."))
    if entry.status != ListingStatus.ACTIVE:
        raise InvalidTransition(_("This entry was lifted; there is nothing to appeal."))
    if entry.appeal != AppealStatus.NONE:
        raise InvalidTransition(_("An appeal was already made against this entry."))
    advance(session, entry, AppealStatus.NONE, "appeal", appeal=AppealStatus.PENDING, appeal_text=text,
            appealed_at=utcnow())
    record_event(session, user.id, "credit.appealed", entry, {"appeal": "none"},
                 snapshot(entry, "appeal", "appeal_text"))
    notify_role(session, "government", "credit.appealed", LINK, party=party_name(session, entry))
    return entry


def decide(session: Session, user: Account, entry_id: int, grant: bool, text: str) -> CreditListing:
    """Government grants a pending appeal (the entry is lifted) or upholds it, giving its reasons."""
    _government(user)
    entry = _entry(session, entry_id)
    if entry.appeal != AppealStatus.PENDING:
        raise InvalidTransition(_("There is no pending appeal against this entry."))
    if grant:
        if not advanced(session, entry, ListingStatus.ACTIVE, unchanged={"appeal": AppealStatus.PENDING.value},
                        status=ListingStatus.LIFTED, appeal=AppealStatus.GRANTED, decision=text,
                        decided_at=utcnow()):
            raise InvalidTransition(_("Someone else changed this just now; reload the page to see its current state."))
    else:
        advance(session, entry, AppealStatus.PENDING, "appeal", appeal=AppealStatus.UPHELD, decision=text,
                decided_at=utcnow())
    record_event(session, user.id, "credit.appeal_decided", entry, {"appeal": "pending"},
                 snapshot(entry, "appeal", "status", "decision"))
    _tell_party(session, entry, "credit.appeal_decided", listing=_kind(entry), reason=text,
                outcome=_("granted, the entry is lifted") if grant else _("upheld"))
    return entry


# ---- reading ----

def names(entry: CreditListing, user: Account) -> bool:
    """Whether the entry names this person or their organisation."""
    return entry.user_id == user.id or (entry.organisation_id is not None
                                        and entry.organisation_id == user.organisation_id)


def visible(session: Session, user: Account) -> list[CreditListing]:
    """Every entry for government; for anyone else the entries naming them or their organisation."""
    statement = select(CreditListing).order_by(col(CreditListing.id).desc())
    if not user.has("government"):
        statement = statement.where((CreditListing.user_id == user.id)
                                    | (CreditListing.organisation_id == user.organisation_id))
    return list(session.exec(statement))


def party_name(session: Session, entry: CreditListing) -> str:
    """The listed organisation's name, or the person's name and e-mail."""
    if entry.organisation_id is not None:
        org = session.get(Organisation, entry.organisation_id)
        return org.name if org else ""
    person = session.get(User, entry.user_id)
    return f"{person.name} <{person.email}>" if person else ""


def read(session: Session, entry: CreditListing) -> ListingRead:
    """An entry with its party's name and whether it is in force today (a blacklist entry then bars the party)."""
    live = entry.status == ListingStatus.ACTIVE and entry.start_date <= today() <= entry.end_date
    return ListingRead(**entry.model_dump(), party=party_name(session, entry), in_force=live)


def _entry(session: Session, entry_id: int) -> CreditListing:
    entry = session.get(CreditListing, entry_id)
    if entry is None:
        raise NotFound(_("No such entry."))
    return entry


def _kind(entry: CreditListing) -> str:
    return "失信名单 / blacklist" if entry.kind.value == "blacklist" else "重点关注名单 / watch list"


def _tell_party(session: Session, entry: CreditListing, event: str, **params: str) -> None:
    """Notify the listed person, or every active member of the listed organisation."""
    if entry.user_id is not None:
        people = [entry.user_id]
    else:
        people = list(session.exec(select(User.id).where(User.organisation_id == entry.organisation_id,
                                                         User.active == True)))  # noqa: E712
    for person in people:
        notify(session, person, event, LINK, **params)

