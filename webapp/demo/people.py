"""Demo people: names, and the texts that solvers, managers and commissioners write about themselves."""

from __future__ import annotations

import random

from webapp.demo.cast import GIVEN, SURNAMES
from webapp.demo.topic import Topic

SOLVER_FRAMES = [
    "长期从事{a}研究，近年聚焦{b}，并在{c}方面积累了工程经验。",
    "研究方向为{a}与{b}。主持过多项国家和省部级项目，与企业合作开展{c}的应用研究。",
    "团队围绕{b}开展理论与实验研究，兼顾{a}，已有成果在企业中试验证；可承担{c}相关的技术攻关。",
    "主要从事{c}方面的教学科研工作，熟悉{a}，近五年重点开展{b}。",
    "Research on {a} and {b}; experienced in industrial projects on {c}. 擅长从机理建模到工程实现的全链条攻关。",
]
MANAGER_FRAMES = [
    "从事技术转移服务{years}年，主要服务{f1}与{f2}领域，熟悉{k1}、{k2}等方向的高校团队与企业需求。",
    "持证技术经理人，擅长{f1}领域成果评估与作价入股，兼顾{f2}；曾组织{k1}和{k2}方向的供需对接会。",
    "深耕{f1}产业链{years}年，了解{k1}等关键技术的国产化进展，能为{f2}企业对接{k2}方向的研发团队。",
]
COMMISSIONER_FRAMES = [
    "科技特派员，长期扎根{county}，为当地企业提供{a}方面的技术服务，协助解决{b}问题。",
    "{county}科技特派员。专业方向为{a}，近年帮助企业开展{b}的技术改造与人才培训。",
    "服务{county}的中小企业与合作社，熟悉{a}，可提供{b}方面的现场诊断与方案设计。",
]
RESULTS = [
    "已在合作企业完成中试验证。", "相关技术已授权发明专利三项。", "性能指标达到国际同类产品水平。",
    "已形成可复制的工程化方案。", "完成小批量试制并通过第三方检测。",
]


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name."""
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def solver_expertise(rng: random.Random, topic: Topic, neighbour: Topic) -> str:
    """A solver's self-description drawn from the topic's directions and a neighbouring topic."""
    own = list(topic.directions)
    rng.shuffle(own)
    c = neighbour.directions[rng.randrange(len(neighbour.directions))] if rng.random() < 0.5 else own[2]
    return rng.choice(SOLVER_FRAMES).format(a=own[0], b=own[1], c=c)


def solver_keywords(rng: random.Random, topic: Topic, neighbour: Topic) -> list[str]:
    """Three or four of the topic's keywords and one of its neighbour's."""
    words = rng.sample(topic.keywords, k=min(len(topic.keywords), rng.choice((3, 4))))
    extra = rng.choice(neighbour.keywords)
    return words + ([extra] if extra not in words else [])


def manager_expertise(rng: random.Random, fields: tuple[str, str], topics: list[Topic],
                      labels: dict[str, tuple[str, str]]) -> str:
    """A technical manager's description of the fields and topics they broker."""
    first, second = rng.sample(topics, k=2)
    return rng.choice(MANAGER_FRAMES).format(
        years=rng.randint(3, 15), f1=labels[fields[0]][0], f2=labels[fields[1]][0],
        k1=rng.choice(first.keywords), k2=rng.choice(second.keywords))


def commissioner_expertise(rng: random.Random, county: str, topic: Topic) -> str:
    """A science commissioner's description of where and how they serve."""
    a, b = rng.sample(topic.directions, k=2)
    return rng.choice(COMMISSIONER_FRAMES).format(county=county, a=a, b=b)


def result_sentence(rng: random.Random) -> str:
    """A closing sentence about how far a result has got."""
    return rng.choice(RESULTS)
