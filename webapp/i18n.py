"""Language choice (Simplified Chinese first, English available) and label helpers."""

from __future__ import annotations

import datetime as dt
import functools
import math

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from markupsafe import Markup

from matching import Reason
from matching.bands import band
from matching.settings import Settings
from models.common import CHINA, FIELD_LABELS, REGION_LABELS

LANGUAGES = ("zh", "en")
babel = Babel()

STATUS_LABELS = {
    "draft": ("草稿", "Draft"),
    "submitted": ("待审核", "Awaiting review"),
    "published": ("已发布", "Published"),
    "awarded": ("已揭榜", "Awarded"),
    "in_progress": ("攻关中", "In progress"),
    "completed": ("已完成", "Completed"),
    "rejected": ("未通过", "Rejected"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "expired": ("已过期", "Expired"),
}
BID_STATUS_LABELS = {
    "submitted": ("已提交", "Submitted"),
    "shortlisted": ("入围", "Shortlisted"),
    "accepted": ("中标", "Accepted"),
    "declined": ("未中标", "Declined"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
ROLE_LABELS = {
    "enterprise": ("企业", "Enterprise"),
    "solver": ("揭榜方", "Solver"),
    "manager": ("技术经理人", "Technical manager"),
    "commissioner": ("科技特派员", "Science commissioner"),
    "government": ("政府", "Government"),
    "admin": ("管理员", "Administrator"),
}
ORG_KIND_LABELS = {
    "enterprise": ("企业", "Enterprise"),
    "university": ("高校", "University"),
    "institute": ("科研院所", "Research institute"),
    "transfer_institution": ("技术转移机构", "Tech-transfer institution"),
    "government": ("政府部门", "Government office"),
}
MATURITY_LABELS = {
    "lab": ("实验室阶段", "Laboratory"),
    "prototype": ("样机/样品", "Prototype"),
    "pilot": ("中试", "Pilot"),
    "industrial": ("产业化", "Industrialised"),
}
DOCUMENT_LABELS = {
    "paper": ("论文", "Paper"),
    "patent": ("专利", "Patent"),
    "project": ("项目", "Project"),
    "service_record": ("服务记录", "Service record"),
}
DECISION_LABELS = {
    "recommend": ("推荐", "Recommend"),
    "shortlist": ("入围", "Shortlist"),
    "reject": ("不推荐", "Reject"),
}
REJECT_LABELS = {
    "off_topic": ("方向不符", "Off-topic"),
    "no_capacity": ("无承接能力", "No capacity"),
    "conflict": ("存在利益冲突", "Conflict of interest"),
    "too_junior": ("经验不足", "Too junior"),
    "other": ("其他", "Other"),
}
REASON_LABELS = {
    "terms": ("共同术语", "Shared terms"),
    "keywords": ("匹配关键词", "Matching keywords"),
    "document": ("最相关成果", "Best-matching document"),
    "region": ("同一地区", "Same region"),
    "capacity": ("承接已满", "At capacity"),
    "topic": ("语义相近", "Close in meaning"),
    "lexical": ("语义向量计算中，暂按字词排序", "Ranked by words only (meaning not computed yet)"),
}
BAND_SETTINGS = Settings()  # the engine's band edges (calibrated; see matching/README.md)
CAPACITY_LABELS = {"unavailable": ("暂不承接新任务", "Not taking new work")}
BAND_LABELS = {"strong": ("强匹配", "strong"), "fair": ("一般", "fair"), "weak": ("弱匹配", "weak")}
MILESTONE_LABELS = {
    "pending": ("未开始", "Pending"),
    "reported": ("待审核", "Reported"),
    "returned": ("已退回", "Returned"),
    "released": ("已拨付", "Released"),
}
REQUEST_LABELS = {
    "open": ("待选派", "Open"),
    "fulfilled": ("已选派", "Fulfilled"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
PROPOSAL_LABELS = {
    "draft": ("草案", "Draft"),
    "approved": ("已批准", "Approved"),
    "discarded": ("已放弃", "Discarded"),
}
INVITATION_LABELS = {
    "invited": ("已邀请", "Invited"),
    "declined": ("已谢绝", "Declined"),
}
REVIEW_STATUS_LABELS = {
    "proposed": ("待确认", "Proposed"),
    "open": ("评审中", "Open"),
    "closed": ("已结束", "Closed"),
}
ASSIGNMENT_STATUS_LABELS = {
    "proposed": ("拟邀请", "Proposed"),
    "confirmed": ("待评分", "To score"),
    "done": ("已评分", "Scored"),
    "conflict": ("申报回避", "Conflict declared"),
}
MEMBER_STATUS_LABELS = {
    "invited": ("待确认", "Awaiting confirmation"),
    "confirmed": ("已确认", "Confirmed"),
    "declined": ("已谢绝", "Declined"),
}
DISPATCH_LABELS = {
    "planned": ("待开始", "Planned"),
    "active": ("服务中", "Active"),
    "ended": ("已结束", "Ended"),
}
CONTRACT_LABELS = {
    "proposed": ("待乙方确认", "Awaiting the solver"),
    "changes_requested": ("乙方要求修改", "Changes requested"),
    "confirmed": ("履行中", "Under way"),
    "completed": ("已完成", "Completed"),
    "terminated": ("已终止", "Terminated"),
}
DELIVERABLE_LABELS = {
    "pending": ("未提交", "Pending"),
    "reported": ("待验收", "Awaiting acceptance"),
    "returned": ("已退回", "Returned"),
    "accepted": ("已验收", "Accepted"),
}
CRITERION_LABELS = {  # criteria without a name or a target of their own (models.acceptance.CriterionKind)
    "criteria": ("验收标准", "Acceptance criteria"),
    "deliverable": ("按合同约定交付", "Delivered as the contract states"),
    "indicator": ("技术指标", "Indicator"),
    "milestone": ("里程碑指标", "Milestone indicators"),
}
ACCEPTANCE_LABELS = {
    "open": ("评议中", "Judging"),
    "closed": ("已结论", "Concluded"),
}
TRL_LABELS = {  # 技术就绪度 after GB/T 22900
    "0": ("未说明", "Not stated"),
    "1": ("1 基本原理清晰", "1 Basic principles observed"),
    "2": ("2 形成技术方案", "2 Technology concept formulated"),
    "3": ("3 关键功能实验室验证", "3 Proof of concept in the laboratory"),
    "4": ("4 部件实验室验证", "4 Components validated in the laboratory"),
    "5": ("5 相关环境中验证", "5 Validated in a relevant environment"),
    "6": ("6 样机在相关环境中演示", "6 Prototype demonstrated in a relevant environment"),
    "7": ("7 实际环境中示范运行", "7 Prototype demonstrated in operation"),
    "8": ("8 定型与试生产", "8 System complete and qualified"),
    "9": ("9 批量生产应用", "9 Proven in production"),
}
IP_LABELS = {
    "negotiable": ("协商确定", "To be agreed"),
    "assignment": ("成果归企业所有（转让）", "Owned by the enterprise (assignment)"),
    "licence": ("揭榜方保留，许可企业使用", "Kept by the solver, licensed to the enterprise"),
    "joint": ("双方共有", "Owned jointly"),
}
CREDIT_KIND_LABELS = {
    "blacklist": ("失信名单", "Blacklist"),
    "watch": ("重点关注名单", "Watch list"),
}
APPEAL_LABELS = {
    "none": ("未申诉", "None"),
    "pending": ("待处理", "Pending"),
    "upheld": ("维持", "Upheld"),
    "granted": ("已撤销", "Granted"),
}
CONTRACT_TYPE_LABELS = {
    "development": ("技术开发", "Technology development"),
    "transfer": ("技术转让", "Technology transfer"),
    "licence": ("技术许可", "Technology licence"),
    "consulting": ("技术咨询", "Technology consulting"),
    "service": ("技术服务", "Technology service"),
}
REGISTRATION_LABELS = {
    "draft": ("草稿", "Draft"),
    "confirmed": ("已确认", "Confirmed"),
}
CHANGE_LABELS = {
    "proposed": ("待答复", "Awaiting an answer"),
    "accepted": ("已接受", "Accepted"),
    "declined": ("未接受", "Declined"),
}
TABLES = {
    "field": FIELD_LABELS, "region": REGION_LABELS, "status": STATUS_LABELS, "bid_status": BID_STATUS_LABELS,
    "role": ROLE_LABELS, "org_kind": ORG_KIND_LABELS, "maturity": MATURITY_LABELS,
    "document": DOCUMENT_LABELS, "decision": DECISION_LABELS, "reject": REJECT_LABELS, "reason": REASON_LABELS,
    "capacity": CAPACITY_LABELS, "band": BAND_LABELS,
    "milestone": MILESTONE_LABELS, "request": REQUEST_LABELS, "proposal": PROPOSAL_LABELS,
    "dispatch": DISPATCH_LABELS, "invitation": INVITATION_LABELS, "review_status": REVIEW_STATUS_LABELS,
    "assignment_status": ASSIGNMENT_STATUS_LABELS, "member_status": MEMBER_STATUS_LABELS,
    "contract": CONTRACT_LABELS, "deliverable": DELIVERABLE_LABELS, "trl": TRL_LABELS, "ip": IP_LABELS,
    "credit_kind": CREDIT_KIND_LABELS, "appeal": APPEAL_LABELS, "contract_type": CONTRACT_TYPE_LABELS,
    "registration": REGISTRATION_LABELS, "change": CHANGE_LABELS, "acceptance": ACCEPTANCE_LABELS,
    "criterion": CRITERION_LABELS,
}


def select_locale() -> str:
    """The language chosen by ?lang=, then the session, then Chinese; English outside requests (CLI)."""
    if not has_request_context():
        return "en"
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return session.get("lang") if session.get("lang") in LANGUAGES else "zh"


def label(table: str, code: object) -> str:
    """The display label of a code in the current language."""
    return _label(table, code, language())


def _label(table: str, code: object, lang: str) -> str:
    value = getattr(code, "value", code)
    pair = TABLES[table].get(str(value))
    if pair is None:
        return str(value)
    return pair[0] if lang == "zh" else pair[1]


def language() -> str:
    """The current language code, looked up once per request (labels ask for it on every row)."""
    if not has_request_context():
        return str(get_locale())
    if "_language" not in g:
        g._language = str(get_locale())
    return g._language


def reason(item) -> str:
    """An engine reason (matching.Reason, or its stored dict) in the current language: shared terms, matched
    keywords (a fuzzy match as 锂电池≈锂离子电池), the best document's title, the same region, or the load.
    An engine's Reason is worded once per language (a candidates page words 20 rows of them on every view)."""
    if isinstance(item, Reason):
        return _worded(item, language())
    return _word(dict(item), language())


@functools.lru_cache(maxsize=8192)
def _worded(item: Reason, lang: str) -> str:
    return _word(item.as_dict(), lang)


def _word(data: dict, lang: str) -> str:
    kind = data.get("kind", "")
    if kind == "capacity" and data.get("capacity") == 0:
        return _label("capacity", "unavailable", lang)
    joined = "、".join if lang == "zh" else ", ".join
    values = {
        "terms": lambda: joined(data.get("terms", [])),
        "keywords": lambda: joined(q if q == c else f"{q}≈{c}" for q, c in data.get("pairs", [])),
        "document": lambda: data.get("title", ""),
        "region": lambda: _label("region", data.get("region", ""), lang),
        "capacity": lambda: f"{data.get('load')}/{data.get('capacity')}",
        "topic": lambda: data.get("title", ""),
        "lexical": lambda: "",
    }
    if kind not in values:
        return str(kind)
    if not values[kind]():
        return _label("reason", kind, lang)
    return f"{_label('reason', kind, lang)}{'：' if lang == 'zh' else ': '}{values[kind]()}"


def score(value: float | None) -> Markup:
    """A match score out of 100 with its calibrated strength band (matching/bands.py), in the reader's
    language."""
    if value is None:
        return Markup("")
    return _scored(value, language())


@functools.lru_cache(maxsize=8192)
def _scored(value: float, lang: str) -> Markup:
    strength = band(value, BAND_SETTINGS)
    return Markup('<b>{}</b><small>/100</small> <span class="band {}">{}</span>').format(
        points(value), strength, _label("band", strength, lang))


def points(value: float) -> int:
    """A score out of 100, cut (not rounded) so the number agrees with its band: 0.0996 is 9, weak, not a
    10 labelled weak. (The rounding to 1e-6 first keeps 0.29 at 29, not 28.999….)"""
    return math.floor(round(value * 100, 6))


def china_time(moment: dt.datetime | None) -> Markup:
    """A stored UTC time as China time (Asia/Shanghai), saying so, in a <time> that never wraps."""
    if moment is None:
        return Markup("")
    aware = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(CHINA)
    zone = "北京时间" if language() == "zh" else "China time"
    return Markup('<time datetime="{}">{}</time> ({})').format(
        aware.isoformat(timespec="minutes"), aware.strftime("%Y-%m-%d %H:%M"), zone)


def day(date: dt.date | None) -> Markup:
    """A calendar day in a <time> that never wraps at its hyphens."""
    if date is None:
        return Markup("")
    return Markup('<time datetime="{0}">{0}</time>').format(date.isoformat())


def money(yuan: int | None) -> str:
    """An amount as its reader expects: 万元 in Chinese from ten thousand up (¥822万), separators in English."""
    if yuan is None:
        return ""
    if language() == "zh" and abs(yuan) >= 10_000:
        wan = f"{yuan / 10_000:,.2f}".rstrip("0").rstrip(".")
        return f"¥{wan}万"
    return f"¥{yuan:,}"


def figure(value: object) -> str:
    """A number in a table: thousands separators, at most two decimals; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def choices(table: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a select box (a page may show the same box on every row)."""
    return _choices(table, language())


@functools.cache
def _choices(table: str, _locale: str) -> list[tuple[str, str]]:
    return [(code, label(table, code)) for code in TABLES[table]]


def translations():
    """The request's translations, found once per request: Flask-Babel looks up the context, the domain, the
    locale and its cache key on every call — with 30 texts a page, a sixth of a list page's time."""
    if not has_request_context():
        return get_translations()
    if "_translations" not in g:
        g._translations = get_translations()
    return g._translations


def init_app(app: Flask) -> None:
    """Wire Flask-Babel and expose the helpers to templates (their texts translated by `translations`)."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  (added by the i18n extension)
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(label=label, choices=choices, reason=reason, get_locale=get_locale, score=score,
                                 band=lambda value: band(value, BAND_SETTINGS))
    app.jinja_env.filters["china_time"] = china_time
    app.jinja_env.filters["points"] = points
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["figure"] = figure
