"""Supply snapshots and the capability-gap view (能力缺口): publishing a challenge queues a job that measures who
on the platform matches it; the dashboard shows, by field and region, the challenges that found no strong solver
or none in their region; `flask measure-supply` catches up after a bulk import."""

from __future__ import annotations

from sqlmodel import select

from models.common import Region
from models.supply import SupplySnapshot
from tests.webapp.test_dashboard import download
from tests.webapp.test_reviews import GEARS
from webapp import db


def snapshots(world) -> dict[int, dict]:
    """The stored snapshots by challenge id."""
    with world.app.app_context():
        return {s.challenge_id: s.model_dump() for s in db.session().exec(select(SupplySnapshot)).all()}


def test_publishing_measures_the_supply_in_the_background(world, runner):
    """Two gear experts in Tianjin, one in Hebei: the gear challenge (Tianjin) finds them; a battery challenge
    finds nobody strong. Nothing is measured until the worker runs."""
    world.add_person("gear", "燕山大学", GEARS, region=Region.HEBEI, keywords=("RV减速器", "磨削"))
    world.add_person("grind", "天津职业技术师范大学", GEARS, keywords=("RV减速器", "磨削"))
    world.add_person("grind2", "天津理工大学", "磨削砂轮修整与RV减速器齿形误差补偿", keywords=("磨削",))
    gears = world.challenge("published")
    battery = world.challenge("published", title="固态电池硫化物电解质界面稳定性", region="hebei",
                              summary="解决硫化物固态电解质与高镍正极界面副反应。", field="new_energy",
                              description="需要界面包覆与原位表征方案，循环 1000 次容量保持率不低于 80%。",
                              keywords=["固态电池", "硫化物电解质"])
    assert snapshots(world) == {}
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    found = snapshots(world)
    assert found[gears]["solvers_strong"] >= 2 and found[gears]["solvers_in_region"] >= 2
    assert found[battery]["solvers_strong"] == 0 and found[battery]["solvers_in_region"] == 0


def test_the_dashboard_shows_the_widest_gaps_first(world, runner):
    world.add_person("grind", "天津理工大学", GEARS, keywords=("RV减速器", "磨削"))
    world.challenge("published")
    world.challenge("published", title="固态电池硫化物电解质界面稳定性", region="hebei", field="new_energy",
                    summary="解决硫化物固态电解质与高镍正极界面副反应。", keywords=["固态电池"],
                    description="需要界面包覆与原位表征方案，循环 1000 次容量保持率不低于 80%。")
    world.challenge("draft")  # never published: never measured
    runner.invoke(args=["worker", "--once"])
    gov = world.login("government")
    rows = download(gov, "gaps")
    assert rows[0] == ["field_region", "measured", "without_strong", "without_in_region", "median_strong"]
    assert rows[1][:4] == ["new_energy|hebei", "1", "1", "1"]
    assert rows[2][0] == "smart_manufacturing|tianjin" and rows[2][2] == "0"
    assert download(gov, "gaps", "?region=hebei")[1:] == [rows[1]]
    page = gov.get("/government/dashboard/").get_data(as_text=True)
    assert 'id="figure-gaps"' in page and "新能源 · 河北" in page
    assert world.login("owner").get("/government/dashboard/gaps.csv").status_code == 403


def test_measure_supply_catches_up_and_refreshes_nothing_twice(world, runner, app):
    """Challenges published without a snapshot (a bulk import) are measured by the command, once."""
    world.challenge("published")
    with app.app_context():  # as a bulk import would leave them: the queued job is lost
        from models.jobs import Job
        session = db.session()
        for job in session.exec(select(Job)).all():
            session.delete(job)
        session.commit()
    first = runner.invoke(args=["measure-supply"])
    assert first.exit_code == 0 and "1" in first.output
    assert "0" in runner.invoke(args=["measure-supply"]).output
    assert len(snapshots(world)) == 1
