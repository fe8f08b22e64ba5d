"""A gunicorn worker warms its engines before its first request (gunicorn.conf.py → webapp.warmup)."""

from __future__ import annotations

from webapp.warmup import warm


def test_warm_builds_the_engines_and_the_published_set(app, world):
    """After warm(app), are the profiles' and achievements' engines and the published QuerySet in place?"""
    world.challenge("published")
    warm(app)
    assert app.extensions["ranking.profiles"].engine is not None
    assert app.extensions["ranking.achievements"].engine is not None
    assert len(app.extensions["ranking.published"].queries) >= 1


def test_a_worker_that_cannot_warm_still_starts(app, monkeypatch, caplog):
    """When warming fails (no schema yet), is the failure logged and nothing raised?"""
    from webapp.services import ranking

    def broken(*_args, **_kwargs):
        raise RuntimeError("no tables")

    monkeypatch.setattr(ranking, "engine", broken)
    warm(app)
    assert "warming the matching engine failed" in caplog.text
