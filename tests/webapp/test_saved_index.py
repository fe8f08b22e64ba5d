"""Saved matching indexes: `flask reindex` writes them, and a worker opens one instead of fitting."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from matching import Matcher
from tests.webapp.test_curation import EXPERT, add_solver
from webapp.services import saved_index


@pytest.fixture
def challenge(world) -> int:
    """A published challenge, an expert for it and an unrelated solver."""
    add_solver(world, "expert", "燕山大学", EXPERT)
    add_solver(world, "unrelated", "天津中医药大学", "中药配方颗粒特征图谱与含量测定")
    return world.challenge("published")


@pytest.fixture
def fits(monkeypatch) -> list[int]:
    """How many candidates each engine fit in this process was given (fits still run)."""
    sizes: list[int] = []
    real = Matcher.fit

    def counted(self, candidates, *args, **kwargs):
        candidates = list(candidates)
        sizes.append(len(candidates))
        return real(self, candidates, *args, **kwargs)

    monkeypatch.setattr(Matcher, "fit", counted)
    return sizes


def ranking(world, challenge: int) -> list[tuple[int, float, list[str]]]:
    """The manager's ranked solvers for the challenge: profile, score, reasons."""
    response = world.api("manager", "GET", f"/challenges/{challenge}/candidates?kind=solver")
    assert response.status_code == 200
    return [(i["profile_id"], i["score"], i["reasons"]) for i in response.json["items"]]


def new_worker(app) -> None:
    """Forget this process's engines, as a freshly started gunicorn worker has none."""
    for corpus in ("profiles", "achievements"):
        app.extensions.pop(f"ranking.{corpus}", None)


def build(runner) -> str:
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reindex_saves_every_corpus(app, world, challenge, runner):
    """Does `flask reindex` save the profiles' and the achievements' indexes where workers look?"""
    output = build(runner)
    folder = Path(app.config["MATCHING_INDEX_DIR"])
    assert sorted(p.name for p in folder.iterdir()) == ["achievements.npz", "profiles.npz"]
    assert "profiles" in output and str(folder) in output


def test_reindex_if_stale_keeps_a_current_index(app, world, challenge, runner):
    """Does --if-stale keep an index that holds the database's rows, and rebuild it after an edit?"""
    build(runner)
    path = Path(app.config["MATCHING_INDEX_DIR"]) / "profiles.npz"
    saved = path.stat().st_mtime_ns
    assert "profiles index is current" in runner.invoke(args=["reindex", "--if-stale"]).output
    assert path.stat().st_mtime_ns == saved
    assert world.api("solver", "PATCH", "/profiles/me", {"expertise": EXPERT}).status_code == 200
    assert "Indexed" in runner.invoke(args=["reindex", "--if-stale"]).output
    assert path.stat().st_mtime_ns != saved


def test_reindex_into_an_unwritable_place_says_so(app, world, challenge, runner, tmp_path):
    """Does reindex exit 1 with a message (no traceback) when it cannot write the folder?"""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    app.config["MATCHING_INDEX_DIR"] = str(blocker / "index")
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 1 and "cannot save the profiles index" in result.output
    assert "Traceback" not in result.output


def test_worker_opens_the_saved_index_instead_of_fitting(app, world, challenge, runner, fits):
    """Does a new worker rank exactly as a fitted engine does, without fitting, when the index is current?"""
    fitted = ranking(world, challenge)
    build(runner)
    new_worker(app)
    fits.clear()
    assert ranking(world, challenge) == fitted
    assert fits == []


def test_worker_brings_the_saved_index_up_to_date(app, world, challenge, runner, fits):
    """Is a profile edited after the index was saved ranked with its new text, still without a fit?"""
    build(runner)
    before = dict((pid, score) for pid, score, _r in ranking(world, challenge))
    profile = world.api("solver", "GET", "/profiles/me").json["id"]
    assert world.api("solver", "PATCH", "/profiles/me", {"expertise": EXPERT}).status_code == 200
    new_worker(app)
    fits.clear()
    after = dict((pid, score) for pid, score, _r in ranking(world, challenge))
    assert fits == []
    assert after[profile] > before.get(profile, 0.0)


def test_unusable_indexes_are_ignored(app, world, challenge, runner, fits, monkeypatch, caplog):
    """Do an index of another database and a damaged index make the worker fit (and log why), not fail?"""
    fitted = ranking(world, challenge)
    with monkeypatch.context() as patch:
        patch.setattr(saved_index, "_database", lambda: "another-database")
        build(runner)
    new_worker(app)
    fits.clear()
    assert ranking(world, challenge) == fitted
    assert len(fits) == 1  # the profiles were fitted again

    path = Path(app.config["MATCHING_INDEX_DIR"]) / "profiles.npz"
    path.write_bytes(b"not an index")
    new_worker(app)
    fits.clear()
    with caplog.at_level(logging.WARNING):
        assert ranking(world, challenge) == fitted
    assert len(fits) == 1 and "ignoring the saved profiles index" in caplog.text
