"""Clarifications (答疑与补充公告): solvers ask, the enterprise answers (publicly or privately) and posts addenda
that may move the deadline, government hides abusive questions; each reader sees what the rules allow."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from models.audit import AuditEvent
from models.common import today
from webapp import db


def inbox_kinds(world, nick: str) -> list[str]:
    return [n["kind"] for n in world.api(nick, "GET", "/notifications").json["items"]]


def ask(world, cid: int, nick: str = "solver", text: str = "RV减速器的齿形误差如何测量？", anonymous: bool = False):
    return world.api(nick, "POST", f"/challenges/{cid}/questions", {"text": text, "anonymous": anonymous})


def thread(world, cid: int, nick: str) -> dict:
    response = world.api(nick, "GET", f"/challenges/{cid}/clarifications")
    assert response.status_code == 200, response.json
    return response.json


def test_a_question_answered_publicly_reaches_everyone_who_follows(world):
    """Is the enterprise told of a question, and are the asker, bidders and readers of the terms told of the
    answer, which every signed-in reader then sees?"""
    cid = world.challenge("published")
    world.bid(cid, "other_solver")
    asked = ask(world, cid)
    assert asked.status_code == 201 and asked.json["status"] == "open" and asked.json["mine"]
    assert "question.asked" in inbox_kinds(world, "owner")
    answered = world.api("owner", "POST", f"/questions/{asked.json['id']}/answer", {"answer": "按GB/T 10095检测。"})
    assert answered.status_code == 200 and answered.json["status"] == "answered"
    assert inbox_kinds(world, "solver")[0] == "question.answered"
    assert inbox_kinds(world, "other_solver")[0] == "question.answered"
    assert "question.answered" not in inbox_kinds(world, "owner")
    for nick in ("other_solver", "manager", "commissioner", "government", "other_enterprise"):
        assert thread(world, cid, nick)["questions"][0]["answer"] == "按GB/T 10095检测。", nick


def test_an_anonymous_asker_is_named_only_to_the_enterprise_overseers_and_themselves(world):
    """Is an anonymous question's asker hidden from other solvers but known to the enterprise?"""
    cid = world.challenge("published")
    ask(world, cid, anonymous=True)
    assert thread(world, cid, "other_solver")["questions"][0]["asker"] is None
    assert thread(world, cid, "solver")["questions"][0]["asker"] == "solver"
    for nick in ("owner", "manager", "government"):
        assert thread(world, cid, nick)["questions"][0]["asker"] == "solver", nick
    ask(world, cid, "other_solver", "交付周期能否延长？")
    assert thread(world, cid, "solver")["questions"][1]["asker"] == "other_solver"


def test_a_private_answer_is_read_only_after_accepting_the_terms(world):
    """Does a private answer stay hidden from a solver until they accept the confidentiality terms?"""
    cid = world.challenge("published")
    qid = ask(world, cid).json["id"]
    world.api("owner", "POST", f"/questions/{qid}/answer", {"answer": "现有良率为82%。", "private": True})
    seen = thread(world, cid, "other_solver")["questions"][0]
    assert seen["answer"] is None and seen["answer_private"] is True
    world.api("other_solver", "POST", f"/challenges/{cid}/accept-terms")
    assert thread(world, cid, "other_solver")["questions"][0]["answer"] == "现有良率为82%。"
    assert thread(world, cid, "manager")["questions"][0]["answer"] == "现有良率为82%。"


def test_each_role_may_do_only_its_part(world):
    """Only solvers ask, only the owner answers and posts addenda, only government hides."""
    cid = world.challenge("published")
    for nick in ("owner", "manager", "government", "commissioner"):
        assert ask(world, cid, nick).status_code == 403, nick
    qid = ask(world, cid).json["id"]
    for nick in ("other_enterprise", "solver", "manager", "government"):
        assert world.api(nick, "POST", f"/questions/{qid}/answer", {"answer": "x"}).status_code == 403, nick
        assert world.api(nick, "POST", f"/challenges/{cid}/addenda", {"text": "x"}).status_code == 403, nick
    for nick in ("owner", "solver", "manager"):
        assert world.api(nick, "POST", f"/questions/{qid}/hide", {"reason": "x"}).status_code == 403, nick


def test_a_question_is_answered_once(world):
    """Does a second answer of the same question answer 409 and keep the first?"""
    cid = world.challenge("published")
    qid = ask(world, cid).json["id"]
    assert world.api("owner", "POST", f"/questions/{qid}/answer", {"answer": "第一次"}).status_code == 200
    again = world.api("owner", "POST", f"/questions/{qid}/answer", {"answer": "第二次"})
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    assert thread(world, cid, "solver")["questions"][0]["answer"] == "第一次"


def test_questions_only_on_a_challenge_open_for_bids(world):
    """Is a question on a draft unknown (404), and on an awarded challenge refused (409)?"""
    draft = world.challenge("draft")
    assert ask(world, draft).status_code == 404
    awarded = world.challenge("awarded")
    assert ask(world, awarded).status_code == 409


def test_government_hides_an_abusive_question_with_a_reason(world):
    """Does a hidden question disappear for other solvers and visitors, stay readable for overseers, and show
    its asker the reason?"""
    cid = world.challenge("published")
    qid = ask(world, cid, text="这家企业是骗子").json["id"]
    hidden = world.api("government", "POST", f"/questions/{qid}/hide", {"reason": "人身攻击"})
    assert hidden.status_code == 200 and hidden.json["hidden_reason"] == "人身攻击"
    assert thread(world, cid, "other_solver")["questions"] == []
    assert thread(world, cid, "owner")["questions"] == []
    assert thread(world, cid, "manager")["questions"][0]["status"] == "hidden"
    mine = thread(world, cid, "solver")["questions"][0]
    assert mine["hidden_reason"] == "人身攻击" and "question.hidden" in inbox_kinds(world, "solver")
    assert world.api("other_solver", "POST", f"/questions/{qid}/answer", {"answer": "x"}).status_code == 404
    assert world.api("owner", "POST", f"/questions/{qid}/answer", {"answer": "x"}).status_code == 404
    assert world.api("government", "POST", f"/questions/{qid}/hide", {"reason": "再次"}).status_code == 409
    with world.app.app_context():
        events = db.session().exec(select(AuditEvent).where(AuditEvent.action == "question.hidden")).all()
        assert [(e.entity_id, e.after["hidden_reason"]) for e in events] == [(qid, "人身攻击")]


def test_an_addendum_moves_the_deadline_audited_and_notified(world):
    """Does an addendum with a new deadline change the challenge's deadline, record both days, audit the change
    and notify bidders and readers of the terms (not the author)?"""
    cid = world.challenge("published")
    world.bid(cid)
    world.api("other_solver", "POST", f"/challenges/{cid}/accept-terms")
    new = (today() + dt.timedelta(days=90)).isoformat()
    old = world.api("owner", "GET", f"/challenges/{cid}").json["deadline"]
    posted = world.api("owner", "POST", f"/challenges/{cid}/addenda", {"text": "截止日期延长一个月。", "deadline": new})
    assert posted.status_code == 201, posted.json
    assert (posted.json["old_deadline"], posted.json["new_deadline"]) == (old, new)
    assert world.api("solver", "GET", f"/challenges/{cid}").json["deadline"] == new
    assert thread(world, cid, "solver")["addenda"][0]["text"] == "截止日期延长一个月。"
    assert inbox_kinds(world, "solver")[0] == inbox_kinds(world, "other_solver")[0] == "challenge.addendum"
    with world.app.app_context():
        event = db.session().exec(select(AuditEvent).where(AuditEvent.action == "challenge.deadline_changed")).one()
        assert (event.before, event.after) == ({"deadline": old}, {"deadline": new})


def test_bad_addenda_are_refused_with_the_field_named(world):
    """Is a past deadline or an empty text a 422 naming the field, and an addendum on a draft a 409?"""
    cid = world.challenge("published")
    past = world.api("owner", "POST", f"/challenges/{cid}/addenda", {"text": "提前", "deadline": "2020-01-01"})
    assert past.status_code == 422 and "deadline" in past.json["error"]["fields"]
    blank = world.api("owner", "POST", f"/challenges/{cid}/addenda", {"text": "   "})
    assert blank.status_code == 422 and "text" in blank.json["error"]["fields"]
    draft = world.challenge("draft")
    assert world.api("owner", "POST", f"/challenges/{draft}/addenda", {"text": "说明"}).status_code == 409
    assert thread(world, cid, "owner")["addenda"] == []


def test_the_pages_ask_answer_and_show_the_thread(world):
    """Through the pages: a solver asks, a blank answer keeps the form with the field marked, the owner answers,
    and a signed-out visitor reads public answers but not private ones."""
    cid = world.challenge("published")
    solver = world.login("solver")
    sent = solver.post(f"/challenges/{cid}/questions", data={"text": "样机数量？", "anonymous": "on"})
    assert sent.status_code == 302 and sent.location.endswith(f"/challenges/{cid}#clarifications")
    qid = thread(world, cid, "owner")["questions"][0]["id"]
    owner = world.login("owner")
    page = owner.get(f"/challenges/{cid}").get_data(as_text=True)
    assert "样机数量？" in page and f"/questions/{qid}/answer" in page
    blank = owner.post(f"/questions/{qid}/answer", data={"answer": " ", "private": "on"})
    text = blank.get_data(as_text=True)
    assert blank.status_code == 422 and 'class="field invalid"' in text and "checked" in text
    assert owner.post(f"/questions/{qid}/answer", data={"answer": "两台。"}).status_code == 302
    second = world.api("solver", "POST", f"/challenges/{cid}/questions", {"text": "预算含税吗？"}).json["id"]
    world.api("owner", "POST", f"/questions/{second}/answer", {"answer": "含税价格82万元。", "private": True})
    visitor = world.app.test_client().get(f"/challenges/{cid}").get_data(as_text=True)
    assert "两台。" in visitor and "样机数量？" in visitor
    assert "预算含税吗？" not in visitor and "82万元" not in visitor
    other = world.login("other_solver").get(f"/challenges/{cid}").get_data(as_text=True)
    assert "预算含税吗？" in other and "82万元" not in other


def test_the_addendum_form_keeps_what_was_typed(world):
    """Does a past deadline in the page's addendum form come back marked, with the text kept?"""
    cid = world.challenge("published")
    owner = world.login("owner")
    answer = owner.post(f"/challenges/{cid}/addenda", data={"text": "补充：需提供检测报告", "deadline": "2020-01-01"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "补充：需提供检测报告" in text and 'class="field invalid"' in text
    done = owner.post(f"/challenges/{cid}/addenda", data={"text": "补充：需提供检测报告", "deadline": ""})
    assert done.status_code == 302
    assert "补充：需提供检测报告" in world.login("solver").get(f"/challenges/{cid}").get_data(as_text=True)
