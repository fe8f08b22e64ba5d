"""Notify users of events, and read their inbox (texts in the reader's language)."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func
from sqlmodel import Session, col, select, update

from models.accounts import User, UserRole
from models.common import utcnow
from models.notifications import Notification
from webapp import mail

MESSAGES: dict[str, tuple[str, str]] = {
    "challenge.published": ("您的榜单“{title}”已通过审核并发布。",
                            "Your challenge “{title}” was approved and published."),
    "challenge.rejected": ("您的榜单“{title}”未通过审核：{reason}", "Your challenge “{title}” was rejected: {reason}"),
    "bid.submitted": ("榜单“{title}”收到新的揭榜申请。", "Your challenge “{title}” received a new bid."),
    "bid.shortlisted": ("您对“{title}”的揭榜申请已入围。", "Your bid on “{title}” was shortlisted."),
    "bid.accepted": ("您对“{title}”的揭榜申请已被选定。", "Your bid on “{title}” was accepted."),
    "bid.declined": ("您对“{title}”的揭榜申请未被选用：{reason}", "Your bid on “{title}” was declined: {reason}"),
    "question.asked": ("榜单“{title}”收到新的提问，待您答复。",
                       "Your challenge “{title}” received a question to answer."),
    "question.answered": ("榜单“{title}”的提问已答复。", "A question on “{title}” was answered."),
    "question.hidden": ("您在榜单“{title}”下的提问已被隐藏：{reason}",
                        "Your question on “{title}” was hidden: {reason}"),
    "challenge.addendum": ("榜单“{title}”发布了补充公告。", "An addendum was posted to “{title}”."),
    "review.assigned": ("请评审榜单“{title}”的揭榜方案（截止 {deadline}）。",
                        "Please review the bids on “{title}” (due {deadline})."),
    "review.reminder": ("提醒：榜单“{title}”的评审尚未完成（截止 {deadline}）。",
                        "Reminder: your review of the bids on “{title}” is due {deadline}."),
    "review.conflict": ("榜单“{title}”的一位评审专家申报了利益冲突，已由下一位合适的专家补位。",
                        "A reviewer of “{title}” declared a conflict of interest; the next best expert took over."),
    "review.short": ("榜单“{title}”的一位评审专家申报了利益冲突，且无合适专家可补位，请调整评审安排。",
                     "A reviewer of “{title}” declared a conflict of interest and no eligible expert is free."),
    "review.closed": ("榜单“{title}”的专家评审已结束，可查看您方案的评分。",
                      "The expert review of “{title}” has closed: your bid's scores are ready."),
    "team.invited": ("{name}邀请您加入对榜单“{title}”的联合揭榜团队，请确认。",
                     "{name} named you in a team bid on “{title}”: please confirm."),
    "team.confirmed": ("{name}已确认加入您对“{title}”的揭榜团队。",
                       "{name} confirmed joining your team bid on “{title}”."),
    "team.declined": ("{name}谢绝加入（或退出）您对“{title}”的揭榜团队。",
                      "{name} declined (or left) your team bid on “{title}”."),
    "curation.recommended": ("技术经理人为榜单“{title}”推荐了{name}：{note}",
                             "A technical manager recommended {name} for “{title}”: {note}"),
    "invitation": ("{organisation}邀请您揭榜“{title}”。", "{organisation} invites you to bid on “{title}”."),
    "invitation.declined": ("{name}谢绝了揭榜“{title}”的邀请：{reason}",
                            "{name} declined the invitation to bid on “{title}”: {reason}"),
    "subsidy.attached": ("政府为榜单“{title}”设立了 {amount} 元资助，按里程碑拨付。",
                         "Government attached a subsidy of {amount} yuan to “{title}”, paid by milestone."),
    "milestone.reported": ("榜单“{title}”报告里程碑“{milestone}”已完成，待审核。",
                           "Milestone “{milestone}” of “{title}” was reported done and awaits review."),
    "milestone.released": ("榜单“{title}”的里程碑“{milestone}”已通过，拨付 {amount} 元。",
                           "Milestone “{milestone}” of “{title}” was approved; {amount} yuan released."),
    "milestone.returned": ("榜单“{title}”的里程碑“{milestone}”被退回：{reason}",
                           "Milestone “{milestone}” of “{title}” was returned: {reason}"),
    "contract.proposed": ("“{title}”的企业提出了合同条款，请确认或提出修改。",
                          "The enterprise proposed contract terms for “{title}”: confirm them or ask for changes."),
    "contract.revised": ("“{title}”的合同条款已修改，请重新确认。",
                         "The contract terms for “{title}” were revised: please read and confirm them again."),
    "contract.confirmed": ("“{title}”的合同已由揭榜方确认，项目开始实施。",
                           "The solver confirmed the contract for “{title}”: the work has started."),
    "contract.changes_requested": ("“{title}”的揭榜方要求修改合同：{reason}",
                                   "The solver asks for changes to the contract for “{title}”: {reason}"),
    "contract.terminated": ("“{title}”的合同已终止：{reason}", "The contract for “{title}” was terminated: {reason}"),
    "contract.completed": ("“{title}”的合同全部里程碑已验收，合同完成。",
                           "Every milestone of the contract for “{title}” was accepted: the contract is completed."),
    "contract.rated": ("对方对“{title}”的合同履约给出了 {stars} 星评价。",
                       "The other party rated the contract for “{title}” {stars} stars."),
    "registration.confirmed": ("“{title}”的技术合同认定登记表已由企业确认。",
                               "The technology-contract registration record for “{title}” was confirmed."),
    "deliverable.overdue": ("“{title}”的合同里程碑“{milestone}”已逾期（应于 {due} 交付）。",
                            "Milestone “{milestone}” of the contract for “{title}” is overdue (due {due})."),
    "contract.change_proposed": ("“{title}”的合同有变更申请，待您答复：{reason}",
                                 "A change to the contract for “{title}” awaits your answer: {reason}"),
    "contract.change_accepted": ("“{title}”的合同变更已被对方接受：{reason}",
                                 "The change to the contract for “{title}” was accepted: {reason}"),
    "contract.change_declined": ("“{title}”的合同变更未被对方接受：{reason}",
                                 "The change to the contract for “{title}” was declined: {reason}"),
    "acceptance.assigned": ("请作为验收专家评议“{title}”的最终成果（截止 {deadline}）。",
                            "Please judge the final delivery of “{title}” on its acceptance panel (due {deadline})."),
    "acceptance.opened": ("“{title}”的最终成果已提交专家验收。",
                          "The final delivery of “{title}” went to an expert acceptance panel."),
    "acceptance.judged": ("“{title}”的验收专家均已给出意见，请作出验收结论。",
                          "Every panellist has judged the final delivery of “{title}”: please conclude the panel."),
    "deliverable.reported": ("“{title}”的里程碑“{milestone}”已提交，待验收。",
                             "Milestone “{milestone}” of “{title}” was reported delivered and awaits acceptance."),
    "deliverable.accepted": ("“{title}”的里程碑“{milestone}”已通过验收。",
                             "Milestone “{milestone}” of “{title}” was accepted."),
    "deliverable.returned": ("“{title}”的里程碑“{milestone}”被退回：{reason}",
                             "Milestone “{milestone}” of “{title}” was returned: {reason}"),
    "credit.listed": ("您（或贵单位）被列入{listing}，至 {end}：{reason}。可在“信用”页面申诉。",
                      "You (or your organisation) were put on the {listing} until {end}: {reason}. You may appeal on "
                      "the Credit page."),
    "credit.lifted": ("您（或贵单位）的{listing}记录已解除：{reason}", "Your {listing} entry was lifted: {reason}"),
    "credit.appealed": ("{party}对信用名单记录提出申诉，待处理。", "{party} appealed against a credit list entry."),
    "credit.appeal_decided": ("您对{listing}记录的申诉已处理（{outcome}）：{reason}",
                              "Your appeal against the {listing} entry was decided ({outcome}): {reason}"),
    "dispatch.requested": ("{organisation}申请科技特派员：{need}",
                           "{organisation} asks for a science commissioner: {need}"),
    "dispatch.assigned": ("您已被选派为{organisation}的科技特派员（{start} 至 {end}）。",
                          "You are dispatched to {organisation} as science commissioner ({start} to {end})."),
    "dispatch.approved": ("科技特派员{name}将服务贵单位（{start} 至 {end}）。",
                          "Science commissioner {name} will serve your organisation ({start} to {end})."),
    "organisation.pending": ("{organisation}申请入驻平台，待核验。",
                             "{organisation} registered and awaits verification."),
    "organisation.verified": ("{organisation}已通过核验，可以提交榜单、揭榜和申请助题服务。",
                              "{organisation} was verified: you can now submit challenges, bid and ask for help."),
    "organisation.rejected": ("{organisation}未通过核验：{reason}", "{organisation} was not verified: {reason}"),
    "member.requested": ("{name}（{email}）申请加入本单位。", "{name} ({email}) asks to join your organisation."),
    "member.approved": ("您已加入{organisation}。", "You joined {organisation}."),
    "member.made_admin": ("您已成为{organisation}的管理员。", "You are now an administrator of {organisation}."),
}


def notify(session: Session, user_id: int, kind: str, link: str = "", **params: str) -> Notification:
    """Add a notification for one user (committed with the rest of the request), and its e-mail copy."""
    row = Notification(user_id=user_id, kind=kind, params={k: str(v) for k, v in params.items()}, link=link)
    session.add(row)
    if mail.enabled():
        zh, en = (text.format(kind=kind, **row.params) for text in MESSAGES.get(kind, ("{kind}", "{kind}")))
        mail.queue(session, user_id, f"揭榜 Jiebang：{zh[:60]}", f"{zh}\n\n{en}\n\n{public_url(link)}")
    return row


def notify_role(session: Session, role: str, kind: str, link: str = "", **params: str) -> int:
    """Notify every active user holding `role` (e.g. government staff of a new request)."""
    users = session.exec(select(User.id).join(UserRole, UserRole.user_id == User.id)
                         .where(UserRole.role == role, User.active == True)).all()  # noqa: E712
    for user_id in users:
        notify(session, user_id, kind, link, **params)
    return len(users)


def public_url(link: str) -> str:
    """An absolute address for a link in an e-mail."""
    return f"{current_app.config.get('PUBLIC_URL', 'http://127.0.0.1:8000').rstrip('/')}{link}"


def message(row: Notification) -> str:
    """The notification's text in the current language."""
    zh, en = MESSAGES.get(row.kind, ("{kind}", "{kind}"))
    template = zh if str(get_locale()) == "zh" else en
    try:
        return template.format(kind=row.kind, **row.params)
    except KeyError:
        return row.kind


def inbox(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    """The user's newest notifications."""
    return list(session.exec(select(Notification).where(Notification.user_id == user_id)
                             .order_by(col(Notification.id).desc()).limit(limit)))


def unread_query(user_id):
    """The statement counting the notifications the user has not read (`user_id`: an id or a bound parameter)."""
    return select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at == None)  # noqa: E711


def unread_count(session: Session, user_id: int) -> int:
    """How many notifications the user has not read."""
    return session.exec(unread_query(user_id)).one()


def mark_all_read(session: Session, user_id: int) -> None:
    """Mark every unread notification of the user as read."""
    session.exec(update(Notification).where(Notification.user_id == user_id, Notification.read_at == None)  # noqa: E711
                 .values(read_at=utcnow()))
