"""City-scale data on top of the demo (`flask load-demo --scale city`): one city's volumes for load tests.

≈ 10,000 solver profiles with 3–10 documents each, 300 managers, 600 commissioners, 500 enterprises,
2,000 published challenges plus challenges in every other state, bids (one accepted per awarded challenge),
curation decisions and dispatches. Text is real: CSL papers grouped by discipline (titles, abstract
sentences, author keywords; ../shared/data, when present) and the demo's topics. Rows are bulk-inserted
with the invariants the services keep (valid, unique credit codes; one role per user, the first member of an
organisation its administrator; status timestamps; one bid per solver and challenge, one accepted bid per
awarded challenge), deterministically from one seed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, select

from models.accounts import Membership, Organisation, OrgKind, OrgStatus, Role, User, UserRole
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus, IpArrangement
from models.common import Region, TechField, today, utcnow
from models.curation import CuratorDecision, Decision, Recommendation, RejectReason
from models.dispatch import Dispatch, DispatchStatus
from models.profiles import Document, DocumentKind, Profile, ProfileKind
from models.validation import with_check_character
from webapp.demo import people
from webapp.demo.loader import DEMO_DOMAIN, REGION_CODES, TOPICS
from webapp.services.challenges import search_text

SEED = 20261201
SENTENCE = re.compile(r"[^。；;!?！？]+[。；;!?！？]?")
CITIES = ["滨海", "武清", "静海", "宝坻", "西青", "津南", "北辰", "东丽", "蓟州", "宁河"]
INSTITUTES = ["理工大学", "科技大学", "工业大学", "职业技术大学", "工业技术研究院", "材料研究所", "电子信息研究院",
              "生物技术研究所", "农业科学院", "先进制造研究院", "能源研究院", "医学研究院", "软件研究院",
              "化工研究院", "海洋技术研究所", "智能装备研究院", "环境科学研究院", "中医药研究院", "交通研究院",
              "测控技术研究所"]
INDUSTRIES = ["精密机械", "新材料", "储能", "半导体", "工业软件", "智能检测", "冷链物流", "轨道装备", "生物制药",
              "医疗器械", "合成生物", "中药饮片", "汽车零部件", "海工装备", "光伏", "风电", "钢铁", "化工", "电子元件",
              "智慧农业", "环保科技", "航空部件", "激光装备", "传感器", "机器人"]
FRAMES = ["{k}关键技术攻关", "{k}工艺优化与降本", "面向量产的{k}技术改进", "{k}国产化替代", "{k}性能提升需求",
          "{k}智能化改造", "{k}检测方法开发"]
REJECT_REASON = "需求描述过于笼统，请补充验收标准后重新提交。"
DECLINED = "已选定其他揭榜方案。"
REGIONS = ["tianjin", "tianjin", "tianjin", "beijing", "hebei"]


@dataclasses.dataclass(frozen=True)
class Scale:
    """How many of each the generator makes."""

    solvers: int = 10_000
    managers: int = 300
    commissioners: int = 600
    enterprises: int = 500
    published: int = 2_000
    other_states: tuple[tuple[str, int], ...] = (("draft", 100), ("submitted", 100), ("awarded", 120),
                                                 ("in_progress", 40), ("rejected", 40), ("withdrawn", 20))
    bids_per_challenge: int = 3
    curated_challenges: int = 200
    dispatches: int = 300


CITY = Scale()


@dataclasses.dataclass
class Theme:
    """A discipline or demo topic: the texts its people write and its challenges are made of."""

    field: TechField
    titles: list[str]
    sentences: list[str]
    keywords: list[str]


def themes(csl: Path | None) -> list[Theme]:
    """CSL disciplines (when the file is there) and the demo's topics."""
    found = [Theme(TechField(t.field), list(t.papers), [t.summary, *t.directions], t.keywords) for t in TOPICS]
    if csl is None or not csl.is_file():
        return found
    groups: dict[str, list[dict]] = {}
    for line in csl.open(encoding="utf-8"):
        paper = json.loads(line)
        groups.setdefault(paper["discipline"], []).append(paper)
    fields = [f for f in TechField if f != TechField.OTHER]
    for i, name in enumerate(sorted(groups)):
        papers = groups[name]
        sentences = [s.strip() for p in papers for s in SENTENCE.findall(p["abstract"]) if len(s.strip()) > 8]
        keywords = sorted({k for p in papers for k in p["keywords"] if 1 < len(k) <= 20})
        if sentences and keywords:
            found.append(Theme(fields[i % len(fields)], [p["title"] for p in papers], sentences, keywords))
    return found


class CityBuilder:
    """Bulk rows for one city, every choice from one seeded generator."""

    def __init__(self, session: Session, scale: Scale, csl: Path | None) -> None:
        self.session, self.scale = session, scale
        self.rng = random.Random(SEED)
        self.themes = themes(csl)
        self.now, self.today = utcnow(), today()
        self.counts: Counter[str] = Counter()
        self.codes = 100_000  # credit-code serials above the demo's
        # every city account signs in with the demo password (hashing 11,000 of them would take minutes)
        self.password_hash = session.exec(select(User.password_hash).where(
            User.email == f"solver@{DEMO_DOMAIN}")).one()

    def insert(self, model: type[SQLModel], rows: list[dict], kind: str) -> list[int]:
        """Insert rows in batches; return their ids in order."""
        ids: list[int] = []
        for start in range(0, len(rows), 2_000):
            statement = insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
            ids.extend(row[0] for row in self.session.execute(statement, rows[start:start + 2_000]))
        self.counts[kind] += len(rows)
        return ids

    def organisations(self, names: list[str], kind: OrgKind) -> list[tuple[int, str]]:
        """Verified organisations with valid, unique credit codes; returns (id, region)."""
        rows = []
        for name in names:
            self.codes += 1
            region = self.rng.choice(REGIONS)
            rows.append({"name": name, "kind": kind, "region": Region(region), "status": OrgStatus.VERIFIED,
                         "credit_code": with_check_character(f"91{REGION_CODES[region]}{self.codes:09d}"),
                         "verified_at": self.now, "industry": ""})
        return list(zip(self.insert(Organisation, rows, "organisations"), [r["region"].value for r in rows],
                        strict=True))

    def users(self, prefix: str, orgs: list[int], role: Role) -> list[int]:
        """One user with `role` per organisation slot (the first member of each organisation administers it)."""
        seen: set[int] = set()
        rows = []
        for n, org in enumerate(orgs, start=1):
            rows.append({"email": f"city-{prefix}{n:05d}@{DEMO_DOMAIN}", "name": people.person_name(self.rng),
                         "password_hash": self.password_hash, "organisation_id": org, "active": True, "locale": "zh",
                         "membership": Membership.ACTIVE, "org_admin": org not in seen, "session_generation": 0,
                         "email_verified_at": self.now, "created_at": self.now})
            seen.add(org)
        ids = self.insert(User, rows, "users")
        self.insert(UserRole, [{"user_id": i, "role": role} for i in ids], "roles")
        return ids

    def sentences(self, theme: Theme, n: int) -> str:
        return "".join(self.rng.sample(theme.sentences, min(n, len(theme.sentences))))


def load_city(session: Session, scale: Scale = CITY, csl: Path | None = None) -> dict[str, int]:
    """Add one city's volumes to a database that holds the demo; return how many rows of each kind."""
    b = CityBuilder(session, scale, csl)
    government = session.exec(_user_id(f"government@{DEMO_DOMAIN}")).one()
    manager = session.exec(_user_id(f"manager@{DEMO_DOMAIN}")).one()
    enterprises = _enterprises(b)
    solvers = _people(b, ProfileKind.SOLVER, scale.solvers, _institute_names(), OrgKind.UNIVERSITY)
    centres = [f"{city}技术转移中心{n}" for city in CITIES for n in "一二三"]
    _people(b, ProfileKind.MANAGER, scale.managers, centres, OrgKind.TRANSFER_INSTITUTION)
    commissioners = _people(b, ProfileKind.COMMISSIONER, scale.commissioners,
                            [f"{c}农业技术推广站" for c in CITIES], OrgKind.INSTITUTE)
    challenges = _challenges(b, enterprises)
    _bids(b, challenges, solvers)
    _curation(b, challenges, solvers, manager)
    _dispatches(b, commissioners, enterprises, government)
    return dict(b.counts)


def _user_id(email: str):
    return select(User.id).where(User.email == email)


def _institute_names() -> list[str]:
    return [f"{city}{kind}" for kind in INSTITUTES for city in CITIES]


def _enterprises(b: CityBuilder) -> list[tuple[int, int, str]]:
    """(owner user id, organisation id, region) of each enterprise."""
    names = [f"{city}{industry}{suffix}有限公司" for suffix in ("科技", "股份") for industry in INDUSTRIES
             for city in CITIES][: b.scale.enterprises]
    orgs = b.organisations(names, OrgKind.ENTERPRISE)
    owners = b.users("e", [o for o, _r in orgs], Role.ENTERPRISE)
    return [(user, org, region) for user, (org, region) in zip(owners, orgs, strict=True)]


def _people(b: CityBuilder, kind: ProfileKind, n: int, org_names: list[str], org_kind: OrgKind) -> list[dict]:
    """n people of one kind spread over organisations, each with a profile and 3–10 documents."""
    orgs = b.organisations(org_names, org_kind)
    placed = [orgs[b.rng.randrange(len(orgs))] for _ in range(n)]
    role = {ProfileKind.SOLVER: Role.SOLVER, ProfileKind.MANAGER: Role.MANAGER}.get(kind, Role.COMMISSIONER)
    users = b.users(kind.value[0], [o for o, _r in placed], role)
    rows, themes = [], []
    for user, (org, region) in zip(users, placed, strict=True):
        theme = b.rng.choice(b.themes)
        themes.append(theme)
        rows.append({"user_id": user, "organisation_id": org, "kind": kind, "region": Region(region),
                     "display_name": people.person_name(b.rng), "expertise": b.sentences(theme, 3),
                     "keywords": b.rng.sample(theme.keywords, min(4, len(theme.keywords))),
                     "capacity": b.rng.choice((2, 3, 3, 4, 5)), "available": b.rng.random() > 0.1,
                     "updated_at": b.now})
    ids = b.insert(Profile, rows, "profiles")
    documents = [{"profile_id": profile, "kind": DocumentKind.PAPER if kind == ProfileKind.SOLVER
                  else DocumentKind.SERVICE_RECORD, "title": b.rng.choice(theme.titles)[:200],
                  "text": b.sentences(theme, 2), "date": dt.date(b.rng.randint(2012, 2025), b.rng.randint(1, 12), 1)}
                 for profile, theme in zip(ids, themes, strict=True) for _ in range(b.rng.randint(3, 10))]
    b.insert(Document, documents, "documents")
    return [{"profile": p, "user": u, "theme": t} for p, u, t in zip(ids, users, themes, strict=True)]


def _statuses(scale: Scale) -> Iterator[ChallengeStatus]:
    yield from [ChallengeStatus.PUBLISHED] * scale.published
    for status, n in scale.other_states:
        yield from [ChallengeStatus(status)] * n


def _challenges(b: CityBuilder, enterprises: list[tuple[int, int, str]]) -> list[dict]:
    rows, themes = [], []
    for status in _statuses(b.scale):
        theme = b.rng.choice(b.themes)
        owner, org, region = b.rng.choice(enterprises)
        keywords = b.rng.sample(theme.keywords, min(3, len(theme.keywords)))
        created = b.now - dt.timedelta(days=b.rng.randint(20, 120), minutes=b.rng.randint(0, 1440))
        row = {"title": b.rng.choice(FRAMES).format(k=keywords[0])[:200], "summary": b.sentences(theme, 1)[:500],
               "description": b.sentences(theme, 4), "field": theme.field, "keywords": keywords,
               "budget": b.rng.randrange(200_000, 5_000_001, 50_000), "anonymous": False,
               "deadline": b.today + dt.timedelta(days=b.rng.randint(30, 180)), "region": Region(region),
               "confidential_details": "", "indicators": [], "acceptance_criteria": "", "trl": 0,
               "ip_arrangement": IpArrangement.NEGOTIABLE, "owner_id": owner, "organisation_id": org, "status": status,
               "reject_reason": REJECT_REASON if status == ChallengeStatus.REJECTED else "",
               "created_at": created, "updated_at": created,
               "submitted_at": None if status in (ChallengeStatus.DRAFT, ChallengeStatus.WITHDRAWN)
               else created + dt.timedelta(days=1),
               "published_at": created + dt.timedelta(days=3) if status in _LIVE else None,
               "awarded_at": created + dt.timedelta(days=15) if status in _AWARDED else None}
        row["search_text"] = search_text(Challenge(**row))
        rows.append(row)
        themes.append(theme)
    ids = b.insert(Challenge, rows, "challenges")
    return [{**row, "id": i, "theme": t} for i, row, t in zip(ids, rows, themes, strict=True)]


_LIVE = (ChallengeStatus.PUBLISHED, ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)
_AWARDED = (ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)


def _bids(b: CityBuilder, challenges: list[dict], solvers: list[dict]) -> None:
    """A few bids on every live challenge from solvers of its theme; one accepted on each awarded one."""
    by_theme: dict[int, list[dict]] = {}
    for solver in solvers:
        by_theme.setdefault(id(solver["theme"]), []).append(solver)
    rows = []
    for challenge in (c for c in challenges if c["status"] in _LIVE):
        pool = by_theme.get(id(challenge["theme"])) or solvers
        chosen = b.rng.sample(pool, min(b.scale.bids_per_challenge, len(pool)))
        for n, solver in enumerate(chosen):
            accepted = challenge["status"] in _AWARDED and n == 0
            status = BidStatus.ACCEPTED if accepted else (
                BidStatus.DECLINED if challenge["status"] in _AWARDED else BidStatus.SUBMITTED)
            submitted = challenge["published_at"] + dt.timedelta(days=b.rng.randint(1, 9))
            rows.append({"challenge_id": challenge["id"], "solver_id": solver["user"], "status": status,
                         "approach": f"拟采用{b.sentences(challenge['theme'], 1)}的技术路线，分阶段完成验证。",
                         "price": int(challenge["budget"] * b.rng.uniform(0.6, 1.0)) // 10_000 * 10_000,
                         "timeline": "6个月：方案2个月，研制与验证4个月", "duration_days": 180,
                         "team": "成员5人", "decline_reason": DECLINED if status == BidStatus.DECLINED else "",
                         "created_at": submitted, "updated_at": submitted})
    b.insert(Bid, rows, "bids")


def _curation(b: CityBuilder, challenges: list[dict], solvers: list[dict], manager: int) -> None:
    """Stored rankings and a manager's decisions on some published challenges (solvers of the theme first)."""
    published = [c for c in challenges if c["status"] == ChallengeStatus.PUBLISHED][: b.scale.curated_challenges]
    recommendations, decisions = [], []
    for challenge in published:
        shown = b.rng.sample(solvers, 10)
        for rank, solver in enumerate(shown, start=1):
            recommendations.append({"challenge_id": challenge["id"], "profile_id": solver["profile"], "rank": rank,
                                    "score": round(0.9 - rank * 0.05, 6), "reasons": [],
                                    "engine_version": "city-generator", "created_at": b.now})
    ids = b.insert(Recommendation, recommendations, "recommendations")
    for recommendation, shown_id in zip(recommendations, ids, strict=True):
        good = recommendation["rank"] <= 2
        decisions.append({"challenge_id": recommendation["challenge_id"], "profile_id": recommendation["profile_id"],
                          "recommendation_id": shown_id, "curator_id": manager,
                          "decision": Decision.SHORTLIST if good else Decision.REJECT,
                          "reject_reason": None if good else RejectReason.OFF_TOPIC, "note": "", "created_at": b.now})
    b.insert(CuratorDecision, decisions, "curation decisions")


def _dispatches(b: CityBuilder, commissioners: list[dict], enterprises: list[tuple[int, int, str]],
                government: int) -> None:
    """Commissioners sent to enterprises: some over, some running, some planned."""
    rows = []
    for n in range(b.scale.dispatches):
        start = b.today + dt.timedelta(days=b.rng.randint(-400, 30))
        end = start + dt.timedelta(days=180)
        status = DispatchStatus.ENDED if end < b.today else (
            DispatchStatus.ACTIVE if start <= b.today else DispatchStatus.PLANNED)
        rows.append({"commissioner_profile_id": commissioners[n % len(commissioners)]["profile"],
                     "organisation_id": b.rng.choice(enterprises)[1], "challenge_id": None, "start_date": start,
                     "end_date": end, "status": status, "created_by": government, "created_at": b.now})
    b.insert(Dispatch, rows, "dispatches")
