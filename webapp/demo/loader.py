"""Load the deterministic demo data set: organisations, people, challenges in every state, bids."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from matching import ENGINE_VERSION, Matcher
from models.accounts import Membership, Organisation, OrgKind, OrgStatus, Role, User, UserRole
from models.audit import AuditEvent
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus
from models.common import FIELD_LABELS, Region, TechField, today, utcnow
from models.curation import CuratorDecision, Decision, Recommendation, RejectReason
from models.profiles import Achievement, Document, DocumentKind, Maturity, Profile, ProfileKind
from models.validation import with_check_character
from webapp.demo import people
from webapp.demo.assistance import load_assistance
from webapp.demo.cast import COUNTIES, ENTERPRISES, TRANSFER_INSTITUTIONS, UNIVERSITIES
from webapp.demo.contracts import load_contracts
from webapp.demo.credit import load_credit
from webapp.demo.needs import NEEDS
from webapp.demo.review_stage import load_review_stage, load_teams_and_files
from webapp.demo.topic import Topic
from webapp.demo.topics_digital import TOPICS as DIGITAL
from webapp.demo.topics_industry import TOPICS as INDUSTRY
from webapp.demo.topics_life import TOPICS as LIFE
from webapp.services import ranking, supply
from webapp.services.challenges import search_text

SEED = 20261127
DEMO_PASSWORD = "jiebang-demo"
DEMO_DOMAIN = "demo.jiebang.cn"
REGION_CODES = {"tianjin": "120000", "beijing": "110000", "hebei": "130000", "other": "100000"}  # division codes
TOPICS: list[Topic] = INDUSTRY + DIGITAL + LIFE
SOLVERS_PER_TOPIC = 5
MANAGERS = 30
COMMISSIONERS = 60
TARGET_BIDS = 150
# Lifecycle of the 60 challenges, by position: mostly published, some in every other state.
STATUS_PLAN = (["published"] * 36 + ["submitted"] * 7 + ["draft"] * 6 + ["awarded"] * 6
               + ["rejected"] * 3 + ["in_progress"] * 1 + ["withdrawn"] * 1)


class DemoBuilder:
    """Builds the demo rows in one session; every choice comes from one seeded generator."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rng = random.Random(SEED)
        self.today = today()
        self.now = utcnow()
        self.password_hash = generate_password_hash(DEMO_PASSWORD)
        self.counts: Counter[str] = Counter()
        self.by_field: dict[str, list[Topic]] = defaultdict(list)
        for topic in TOPICS:
            self.by_field[topic.field].append(topic)

    def add(self, row, kind: str):
        """Add a row and count it."""
        self.session.add(row)
        self.counts[kind] += 1
        return row

    def org(self, name: str, kind: OrgKind, region: str, industry: str = "",
            status: OrgStatus = OrgStatus.VERIFIED) -> Organisation:
        """Create an organisation with a valid 统一社会信用代码 (verified unless said otherwise)."""
        code = with_check_character(f"91{REGION_CODES[region]}{self.counts['organisations'] + 1:09d}")
        org = self.add(Organisation(name=name, kind=kind, region=Region(region), industry=industry, credit_code=code,
                                    status=status, verified_at=None if status == OrgStatus.PENDING else utcnow()),
                       "organisations")
        self.session.flush()
        return org

    def user(self, email: str, name: str, org: Organisation, role: Role,
             membership: Membership = Membership.ACTIVE) -> User:
        """Create a user with one role; the first member of an organisation administers it."""
        first = self.session.exec(select(User.id).where(User.organisation_id == org.id)).first() is None
        user = self.add(User(email=email, name=name, password_hash=self.password_hash, organisation_id=org.id,
                             membership=membership, org_admin=first and membership == Membership.ACTIVE,
                             email_verified_at=utcnow()), "users")
        self.session.flush()
        self.session.add(UserRole(user_id=user.id, role=role))
        return user

    def profile(self, user: User, org: Organisation, kind: ProfileKind, name: str, expertise: str,
                keywords: list[str], region: str, capacity: int) -> Profile:
        """Create a candidate profile."""
        profile = self.add(Profile(user_id=user.id, organisation_id=org.id, kind=kind, display_name=name,
                                   expertise=expertise, keywords=keywords, region=Region(region),
                                   capacity=capacity, available=self.rng.random() > 0.1), "profiles")
        self.session.flush()
        return profile

    def document(self, profile: Profile, kind: DocumentKind, title: str, text: str, year: int) -> None:
        """Attach a document to a profile."""
        date = dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        self.add(Document(profile_id=profile.id, kind=kind, title=title, text=text, date=date), "documents")

    def neighbour(self, topic: Topic) -> Topic:
        """Another topic of the same field."""
        siblings = [t for t in self.by_field[topic.field] if t is not topic]
        return self.rng.choice(siblings)


def load(session: Session) -> dict[str, int]:
    """Load the whole demo into an empty database; return how many rows of each kind."""
    builder = DemoBuilder(session)
    government = _government(builder)
    owners = _enterprises(builder)
    solvers = _solvers(builder)
    _managers(builder)
    _commissioners(builder)
    challenges = _challenges(builder, owners, government)
    _bids(builder, challenges, solvers)
    _achievements(builder, solvers)
    session.flush()
    topics = {c.id: (t if c.status == ChallengeStatus.PUBLISHED else None)
              for c, t in zip(challenges, TOPICS, strict=True)}
    manager = session.exec(select(User).where(User.email == f"manager@{DEMO_DOMAIN}")).one()
    builder.counts["curation decisions"] = curate(session, topics, solvers, manager)
    builder.counts.update(load_assistance(session, builder.rng, government, dict(zip(
        [c.id for c in challenges], TOPICS, strict=True)), commissioner_topic(1)))
    builder.counts.update(load_teams_and_files(session, builder.rng))
    builder.counts.update(load_review_stage(session, builder.rng, government))
    builder.counts.update(load_contracts(session))
    builder.counts.update(load_credit(session, government))
    builder.counts["supply snapshots"] = supply.measure_missing(session)  # as the worker does on publication
    _membership_queues(builder)
    session.add(AuditEvent(actor_id=None, action="demo.loaded", entity="demo", entity_id=0,
                           after=dict(builder.counts)))
    return dict(builder.counts)


def _membership_queues(b: DemoBuilder) -> None:
    """One organisation waiting for verification, and one person asking to join the demo enterprise."""
    pending = b.org("津南智造新材料科技有限公司", OrgKind.ENTERPRISE, "tianjin", "新材料", status=OrgStatus.PENDING)
    b.user(f"pending@{DEMO_DOMAIN}", "冯晓宁", pending, Role.ENTERPRISE)
    demo = b.session.exec(select(User).where(User.email == f"enterprise@{DEMO_DOMAIN}")).one()
    b.user(f"applicant@{DEMO_DOMAIN}", "韩立新", b.session.get(Organisation, demo.organisation_id), Role.ENTERPRISE,
           membership=Membership.PENDING)


def _government(b: DemoBuilder) -> User:
    office = b.org("天津市科学技术局", OrgKind.GOVERNMENT, "tianjin")
    gov = b.user(f"government@{DEMO_DOMAIN}", "周明远", office, Role.GOVERNMENT)
    b.user(f"admin@{DEMO_DOMAIN}", "平台管理员", office, Role.ADMIN)
    return gov


def _enterprises(b: DemoBuilder) -> dict[str, list[User]]:
    owners: dict[str, list[User]] = defaultdict(list)
    number = 0
    for field, entries in ENTERPRISES.items():
        for name, region in entries:
            number += 1
            org = b.org(name, OrgKind.ENTERPRISE, region, FIELD_LABELS[field][0])
            email = f"enterprise@{DEMO_DOMAIN}" if number == 1 else f"e{number:02d}@{DEMO_DOMAIN}"
            owners[field].append(b.user(email, people.person_name(b.rng), org, Role.ENTERPRISE))
    return owners


def _solvers(b: DemoBuilder) -> dict[Topic, list[tuple[User, Profile]]]:
    universities = [b.org(name, OrgKind(kind), region) for name, region, kind in UNIVERSITIES]
    solvers: dict[Topic, list[tuple[User, Profile]]] = defaultdict(list)
    number = 0
    for topic in TOPICS:
        for slot in range(SOLVERS_PER_TOPIC):
            number += 1
            org = b.rng.choice(universities)
            person = people.person_name(b.rng)
            name = f"{person}教授团队" if slot % 3 == 0 else person
            email = f"solver@{DEMO_DOMAIN}" if number == 1 else f"s{number:03d}@{DEMO_DOMAIN}"
            user = b.user(email, person, org, Role.SOLVER)
            neighbour = b.neighbour(topic)
            profile = b.profile(user, org, ProfileKind.SOLVER, name,
                                people.solver_expertise(b.rng, topic, neighbour),
                                people.solver_keywords(b.rng, topic, neighbour), org.region.value,
                                b.rng.choice((2, 3, 3, 4, 5)))
            _solver_documents(b, profile, topic, neighbour, slot)
            solvers[topic].append((user, profile))
    return solvers


def _solver_documents(b: DemoBuilder, profile: Profile, topic: Topic, neighbour: Topic, slot: int) -> None:
    papers = b.rng.sample(topic.papers, k=b.rng.randint(2, len(topic.papers)))
    if b.rng.random() < 0.4:
        papers.append(b.rng.choice(neighbour.papers))
    for title in papers:
        first, second = b.rng.choice(topic.directions), b.rng.choice(topic.directions)
        abstract = f"{first}。{second}。{people.result_sentence(b.rng)}"
        b.document(profile, DocumentKind.PAPER, title, abstract, b.rng.randint(2014, 2025))
    if slot == 0:
        b.document(profile, DocumentKind.PATENT, f"一种{topic.achievement_title}及其实现方法",
                   topic.achievement_abstract, b.rng.randint(2018, 2025))


def _managers(b: DemoBuilder) -> None:
    institutions = [b.org(name, OrgKind.TRANSFER_INSTITUTION, region)
                    for name, region in TRANSFER_INSTITUTIONS]
    fields = list(b.by_field)
    for number in range(1, MANAGERS + 1):
        org = b.rng.choice(institutions)
        pair = (fields[number % len(fields)], fields[(number * 3 + 1) % len(fields)])
        topics = b.by_field[pair[0]] + b.by_field[pair[1]]
        person = people.person_name(b.rng)
        email = f"manager@{DEMO_DOMAIN}" if number == 1 else f"m{number:02d}@{DEMO_DOMAIN}"
        user = b.user(email, person, org, Role.MANAGER)
        keywords = sorted({w for t in b.rng.sample(topics, k=3) for w in t.keywords[:2]})
        profile = b.profile(user, org, ProfileKind.MANAGER, person,
                            people.manager_expertise(b.rng, pair, topics, FIELD_LABELS), keywords,
                            org.region.value, b.rng.randint(4, 10))
        for topic in b.rng.sample(topics, k=3):
            univ = b.rng.choice(UNIVERSITIES)[0]
            b.document(profile, DocumentKind.SERVICE_RECORD, f"组织“{topic.title}”供需对接",
                       f"协助企业梳理需求：{topic.summary}对接{univ}相关团队，方向为{topic.directions[0]}。",
                       b.rng.randint(2019, 2025))


def commissioner_topic(number: int) -> Topic:
    """The field of the demo's commissioner number `number` (1 is commissioner@)."""
    return TOPICS[(number * 7) % len(TOPICS)]


def _commissioners(b: DemoBuilder) -> None:
    academies = [b.org(name, OrgKind(kind), region) for name, region, kind in UNIVERSITIES[-4:]]
    for number in range(1, COMMISSIONERS + 1):
        topic = commissioner_topic(number)
        county = b.rng.choice(COUNTIES)
        org = b.rng.choice(academies)
        person = people.person_name(b.rng)
        email = f"commissioner@{DEMO_DOMAIN}" if number == 1 else f"c{number:02d}@{DEMO_DOMAIN}"
        user = b.user(email, person, org, Role.COMMISSIONER)
        profile = b.profile(user, org, ProfileKind.COMMISSIONER, person,
                            people.commissioner_expertise(b.rng, county, topic),
                            b.rng.sample(topic.keywords, k=3), "hebei" if "县" in county else "tianjin",
                            b.rng.randint(1, 4))
        for year in sorted(b.rng.sample(range(2019, 2026), k=2)):
            direction, keyword = b.rng.choice(topic.directions), b.rng.choice(topic.keywords)
            service = f"赴{county}开展{direction}现场服务，{people.result_sentence(b.rng)}"
            b.document(profile, DocumentKind.SERVICE_RECORD, f"{county}{keyword}技术服务", service, year)


def _challenges(b: DemoBuilder, owners: dict[str, list[User]], government: User) -> list[Challenge]:
    plan = list(STATUS_PLAN)
    b.rng.shuffle(plan)
    plan[0], plan[4] = "published", "draft"  # the demo enterprise owns topics 0 and 4
    seen: Counter[str] = Counter()
    challenges = []
    for topic, status in zip(TOPICS, plan, strict=True):
        owner = owners[topic.field][seen[topic.field] % len(owners[topic.field])]
        seen[topic.field] += 1
        challenges.append(_challenge(b, topic, owner, ChallengeStatus(status)))
    return challenges


def _challenge(b: DemoBuilder, topic: Topic, owner: User, status: ChallengeStatus) -> Challenge:
    created = b.now - dt.timedelta(days=b.rng.randint(20, 90))
    challenge = Challenge(
        title=topic.title, summary=topic.summary, description=topic.description, field=TechField(topic.field),
        keywords=topic.keywords, budget=b.rng.randrange(200_000, 5_000_001, 50_000),
        deadline=b.today + dt.timedelta(days=b.rng.randint(30, 180)),
        region=b.session.get(Organisation, owner.organisation_id).region,
        confidential_details=topic.confidential, owner_id=owner.id, organisation_id=owner.organisation_id,
        status=status, created_at=created, updated_at=created, **NEEDS.get(topic.title, {}))
    if status not in (ChallengeStatus.DRAFT, ChallengeStatus.WITHDRAWN):
        challenge.submitted_at = created + dt.timedelta(days=1)
    if status in (ChallengeStatus.PUBLISHED, ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS):
        challenge.published_at = created + dt.timedelta(days=b.rng.randint(2, 6))
    if status == ChallengeStatus.REJECTED:
        challenge.reject_reason = "需求描述过于笼统，请补充现有工艺指标与验收标准后重新提交。"
    challenge.search_text = search_text(challenge)
    b.add(challenge, "challenges")
    b.session.flush()
    return challenge


BID_FRAMES = [
    "拟采用{d}的技术路线解决“{k}”问题：先完成现状测试与机理分析，再开展方案设计和样机验证。",
    "团队在{d}方面有成熟积累。针对{k}，计划分三个阶段推进：诊断评估、关键技术攻关、现场导入与培训。",
    "Our approach builds on {d}. 针对{k}，将建立仿真模型指导试验，缩短验证周期，并提供完整技术文档。",
]


def _bids(b: DemoBuilder, challenges: list[Challenge],
          solvers: dict[Topic, list[tuple[User, Profile]]]) -> None:
    by_title = {t.title: t for t in TOPICS}
    biddable = [c for c in challenges if c.status in (ChallengeStatus.PUBLISHED, ChallengeStatus.AWARDED,
                                                       ChallengeStatus.IN_PROGRESS)]
    per = [TARGET_BIDS // len(biddable)] * len(biddable)
    for i in range(TARGET_BIDS - sum(per)):
        per[i] += 1
    for challenge, count in zip(biddable, per, strict=True):
        topic = by_title[challenge.title]
        pool = solvers[topic] + solvers[b.neighbour(topic)]
        chosen = [pool[0]] + b.rng.sample(pool[1:], k=count - 1)
        bids = [_bid(b, challenge, topic, user, profile) for user, profile in chosen]
        if challenge.status != ChallengeStatus.PUBLISHED:
            _award(b, challenge, bids)
        elif b.rng.random() < 0.4:
            bids[-1].status = BidStatus.SHORTLISTED


def _bid(b: DemoBuilder, challenge: Challenge, topic: Topic, user: User, profile: Profile) -> Bid:
    direction = b.rng.choice(topic.directions)
    approach = b.rng.choice(BID_FRAMES).format(d=direction, k=b.rng.choice(topic.keywords))
    months = b.rng.choice((3, 4, 6, 9, 12))
    submitted = (challenge.published_at or b.now) + dt.timedelta(days=b.rng.randint(1, 9), hours=b.rng.randint(0, 23))
    bid = Bid(challenge_id=challenge.id, solver_id=user.id, approach=approach, created_at=submitted,
              updated_at=submitted,
              price=int(challenge.budget * b.rng.uniform(0.6, 1.05)) // 10_000 * 10_000,
              timeline=f"{months}个月：方案{months // 3}个月，研制与验证{months - months // 3}个月",
              duration_days=months * 30, team=f"{profile.display_name}，成员{b.rng.randint(3, 8)}人")
    return b.add(bid, "bids")


def _award(b: DemoBuilder, challenge: Challenge, bids: list[Bid]) -> None:
    winner = b.rng.choice(bids)
    for bid in bids:
        bid.status = BidStatus.ACCEPTED if bid is winner else BidStatus.DECLINED
        if bid is not winner:
            bid.decline_reason = "已选定其他揭榜方案 / Another proposal was accepted."
    challenge.awarded_at = (challenge.published_at or b.now) + dt.timedelta(days=b.rng.randint(10, 30))


def _achievements(b: DemoBuilder, solvers: dict[Topic, list[tuple[User, Profile]]]) -> None:
    maturities = list(Maturity)
    terms = ["技术转让", "普通许可", "作价入股", "合作开发", "独占许可"]
    for topic in TOPICS:
        owner = solvers[topic][0][1]
        patent = f"ZL20{b.rng.randint(18, 24)}1{b.rng.randint(1000000, 9999999)}.{b.rng.randint(0, 9)}"
        b.add(Achievement(profile_id=owner.id, title=topic.achievement_title,
                          abstract=topic.achievement_abstract, field=TechField(topic.field),
                          keywords=topic.keywords[:4], patent_numbers=patent,
                          maturity=b.rng.choice(maturities[1:]), terms=b.rng.choice(terms),
                          region=owner.region), "achievements")
    for topic in b.rng.sample(TOPICS, k=20):
        owner = solvers[topic][1][1]
        paper = next(p for p in topic.papers if not p.isascii())
        b.add(Achievement(profile_id=owner.id, title=paper, abstract=(
            f"面向{topic.directions[0]}的研究成果。{topic.directions[1]}方面形成了关键工艺与软件工具，"
            f"可用于{topic.keywords[0]}相关场景。{people.result_sentence(b.rng)}"),
            field=TechField(topic.field), keywords=topic.keywords[1:4], maturity=b.rng.choice(maturities[:3]),
            terms=b.rng.choice(terms), region=owner.region), "achievements")


CURATED_CHALLENGES = 12


def curate(session: Session, owners_of_topics: dict[int, Topic], solvers: dict[Topic, list[tuple[User, Profile]]],
           manager: User) -> int:
    """Demo managers curate a dozen published challenges from the engine's real ranking.

    A manager accepts a candidate written for the challenge's topic (the demo's ground truth) and rejects
    the others as off-topic, so `match-report` on the demo measures the engine, not a script.
    """
    engine = Matcher().fit(ranking.candidates(session))
    decisions = 0
    published = [c for c in owners_of_topics if owners_of_topics[c] is not None]
    for challenge_id in published[::3][:CURATED_CHALLENGES]:
        challenge = session.get(Challenge, challenge_id)
        topic = owners_of_topics[challenge_id]
        relevant = {profile.id for _user, profile in solvers[topic]}
        hits = engine.rank(ranking.query_of(challenge), k=10, kinds={"solver"})
        for rank, hit in enumerate(hits, start=1):
            profile_id = int(hit.candidate_id)
            shown = Recommendation(challenge_id=challenge.id, profile_id=profile_id, rank=rank, score=hit.score,
                                   reasons=ranking.stored(hit.reasons), engine_version=ENGINE_VERSION)
            session.add(shown)
            session.flush()
            good = profile_id in relevant
            session.add(CuratorDecision(
                challenge_id=challenge.id, profile_id=profile_id, recommendation_id=shown.id, curator_id=manager.id,
                decision=Decision.RECOMMEND if good and rank <= 3 else Decision.SHORTLIST if good else Decision.REJECT,
                reject_reason=None if good else RejectReason.OFF_TOPIC,
                note="研究方向与需求高度吻合" if good else "研究方向与榜单需求不符"))
            decisions += 1
    return decisions
