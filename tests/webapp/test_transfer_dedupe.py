"""The blocked duplicate checks find exactly what the per-pair checks found, on a generated set with planted
duplicates (the same e-mail in other case, names written in another order or with a romanisation, the same
organisation with a department or in other brackets, near-identical organisation names)."""

from __future__ import annotations

import random

from tests.webapp.reference_dedupe import similar_organisation, similar_person
from webapp.demo.cast import GIVEN, SURNAMES
from webapp.transfer.dedupe import Known, Organisations, People

PLACES = ["天津", "滨海", "武清", "北京", "河北", "廊坊", "沧州", "唐山"]
KINDS = ["大学", "理工大学", "科技大学", "工业技术研究院", "农业科学院", "材料研究所", "精密机械有限公司"]


def organisation_names(rng: random.Random) -> list[str]:
    names = [f"{p}{k}" for p in PLACES for k in KINDS]
    rng.shuffle(names)
    return names


def variant_of_organisation(rng: random.Random, name: str) -> str:
    return rng.choice([name, f"{name} 化工学院", f"{name}（筹）", f"［{name}］", name.replace("大学", "大学 "),
                       name + "有限公司", f"{name[:2]}市{name[2:]}"])


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def variant_of_person(rng: random.Random, name: str) -> str:
    return rng.choice([name, f"{name} (Zhang Wei)", f"{name}（{name}）", name[0] + " " + name[1:], name + "教授"])


def generated(seed: int, known_people: int = 900, rows: int = 300):
    rng = random.Random(seed)
    orgs = organisation_names(rng)
    known = [Known(person(rng), rng.choice(orgs), id=i + 1, email=f"p{i}@example.cn" if i % 4 else "")
             for i in range(known_people)]
    file_rows = []
    for line in range(2, rows + 2):
        if rng.random() < 0.4:  # a planted duplicate of someone known (or of an earlier row)
            source = rng.choice(known + file_rows) if file_rows else rng.choice(known)
            email = source.email.upper() if source.email and rng.random() < 0.3 else f"new{line}@example.cn"
            file_rows.append(Known(variant_of_person(rng, source.name),
                                   variant_of_organisation(rng, source.organisation), line=line, email=email))
        else:
            file_rows.append(Known(person(rng), variant_of_organisation(rng, rng.choice(orgs)), line=line,
                                   email=f"row{line}@example.cn"))
    return orgs, known, file_rows


def test_people_are_matched_exactly_as_pair_by_pair():
    """For every row of the file, is the match (record, score, why) the per-pair check's, earlier rows
    counting as known?"""
    for seed in (1, 2):
        _orgs, known, rows = generated(seed)
        people, reference = People(known), list(known)
        found = 0
        for row in rows:
            expected = similar_person(row.name, row.organisation, row.email, reference)
            assert people.match(row.name, row.organisation, row.email) == expected, row
            found += expected is not None
            people.add(row)
            reference.append(row)
        assert found > len(rows) // 4  # the planted duplicates are there to be found


def test_organisations_are_matched_exactly_as_pair_by_pair():
    """For organisation names and their variants (departments, brackets, near-identical names), is the match
    the per-pair check's?"""
    rng = random.Random(3)
    names = organisation_names(rng)
    known = [Known(name, id=i + 1) for i, name in enumerate(names[:40])]
    index, reference = Organisations(known), list(known)
    rows = [variant_of_organisation(rng, rng.choice(names)) for _ in range(200)] + ["", "天津", "（）"]
    matched = 0
    for line, name in enumerate(rows, start=2):
        expected = similar_organisation(name, reference)
        assert index.match(name) == expected, name
        matched += expected is not None
        index.add(Known(name, line=line))
        reference.append(Known(name, line=line))
    assert matched > len(rows) // 2
