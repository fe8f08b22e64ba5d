"""Bulk import (CSV/XLSX, row-level validation, all-or-nothing, duplicates) and export (CLI and API)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from models.accounts import Organisation, User
from models.challenges import Challenge
from models.profiles import Achievement, Profile
from webapp import db
from webapp.services.errors import DomainError
from webapp.transfer import imports
from webapp.transfer.exports import COLUMNS

README = Path(__file__).resolve().parents[2] / "README.md"
PEOPLE = ["email,name,role,organisation,organisation_kind,region,expertise,keywords,capacity",
          "li@tju.edu.cn,李明,solver,天津大学,university,tianjin,催化剂与反应工程,催化;反应器,3",
          "wang@hebau.edu.cn,王芳,commissioner,河北农业大学,university,hebei,果树栽培技术服务,果树,2"]


def write(tmp_path: Path, lines: list[str], name: str = "rows.csv") -> Path:
    """A CSV file of the given lines."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(app, model) -> int:
    """Rows of a table."""
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def test_profiles_import_creates_people_organisations_and_profiles(app, runner, tmp_path):
    """Two valid rows: two users with profiles, their organisations created, exit 0 with a summary."""
    result = runner.invoke(args=["import", "profiles", str(write(tmp_path, PEOPLE))])
    assert result.exit_code == 0, result.output
    assert "2 written" in result.output
    with app.app_context():
        profile = db.session().exec(select(Profile).where(Profile.display_name == "王芳")).one()
        assert profile.kind == "commissioner" and profile.keywords == ["果树"] and profile.capacity == 2
        assert db.session().exec(select(Organisation).where(Organisation.name == "天津大学")).one()


def test_one_bad_row_writes_nothing_and_names_line_and_field(app, runner, tmp_path):
    """A bad e-mail on line 3 and a bad region on line 4: exit 2, both reported, no user written."""
    lines = PEOPLE + ["zhao@nku.edu.cn,赵强,solver,南开大学,university,mars,化学,,1"]
    lines[2] = lines[2].replace("wang@hebau.edu.cn", "not-an-email")
    result = runner.invoke(args=["import", "profiles", str(write(tmp_path, lines))])
    assert result.exit_code == 2
    assert ":3: email:" in result.output and ":4: region:" in result.output
    assert count(app, User) == 0 and count(app, Organisation) == 0


def test_skip_invalid_writes_the_valid_rows(app, runner, tmp_path):
    """With --skip-invalid the good row is written and the bad one reported."""
    lines = [PEOPLE[0], PEOPLE[1], PEOPLE[2].replace(",2", ",999")]
    result = runner.invoke(args=["import", "profiles", str(write(tmp_path, lines)), "--skip-invalid"])
    assert result.exit_code == 0 and ":3: capacity:" in result.output and "1 written" in result.output
    assert count(app, Profile) == 1


def test_xlsx_is_read_like_csv(app, runner, tmp_path):
    """The same rows in a workbook import the same way (numbers and dates as cells)."""
    book = Workbook()
    sheet = book.active
    for line in PEOPLE:
        sheet.append([int(v) if v.isdigit() else v for v in line.split(",")])
    path = tmp_path / "people.xlsx"
    book.save(path)
    result = runner.invoke(args=["import", "profiles", str(path)])
    assert result.exit_code == 0, result.output
    assert count(app, Profile) == 2


@pytest.mark.parametrize("lines, name, message", [
    (["name,kind,region,colour", "天津大学,university,tianjin,red"], "o.csv", "unknown column: colour"),
    (["name,kind", "天津大学,university"], "o.csv", "missing column: region"),
    (["name,kind,region"], "o.txt", "expected a .csv or .xlsx file"),
])
def test_bad_files_exit_2_with_a_reason(runner, tmp_path, lines, name, message):
    """Unknown or missing columns, a wrong file type, a missing file: exit 2, never a traceback."""
    result = runner.invoke(args=["import", "organisations", str(write(tmp_path, lines, name))])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    missing = runner.invoke(args=["import", "organisations", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_likely_duplicate_organisations_are_reported_not_merged(app, runner, tmp_path):
    """天津大学 exists; `天津大学 化工学院` is held back as a question, a new name is written."""
    runner.invoke(args=["import", "organisations", str(write(tmp_path, ["name,kind,region",
                                                                          "天津大学,university,tianjin"]))])
    lines = ["name,kind,region", "天津大学 化工学院,university,tianjin", "燕山大学,university,hebei"]
    result = runner.invoke(args=["import", "organisations", str(write(tmp_path, lines))])
    assert result.exit_code == 0
    assert ":2: likely duplicate of “天津大学”" in result.output and "1 held back" in result.output
    assert count(app, Organisation) == 2


def test_people_duplicates_by_name_forms_and_organisation_can_be_merged(app, runner, tmp_path):
    """`Zhang Wei` at 天津大学 vs `张伟 (Zhang Wei)` at 天津大学: reported, then merged with --dedupe merge."""
    head = PEOPLE[0]
    runner.invoke(args=["import", "profiles", str(write(tmp_path, [
        head, "zw@tju.edu.cn,张伟 (Zhang Wei),solver,天津大学,university,tianjin,膜分离,膜分离,3"]))])
    again = write(tmp_path, [head, "zhang.wei@tju.edu.cn,Zhang Wei,solver,天津大学,university,tianjin,"
                                   "海水淡化反渗透膜,反渗透,3",
                             "zhangwei@nku.edu.cn,张伟,solver,南开大学,university,tianjin,有机合成,,3"])
    reported = runner.invoke(args=["import", "profiles", str(again)])
    assert "likely duplicate of “张伟 (Zhang Wei)”" in reported.output and count(app, Profile) == 2
    merged = runner.invoke(args=["import", "profiles", str(again), "--dedupe", "merge"])
    assert "0 written, 2 merged" in merged.output  # 南开 张伟 came in with the first run: same e-mail now
    with app.app_context():
        profile = db.session().exec(select(Profile).where(Profile.display_name == "张伟 (Zhang Wei)")).one()
        assert "海水淡化反渗透膜" in profile.expertise and profile.keywords == ["膜分离", "反渗透"]
    assert count(app, Profile) == 2  # the 南开 张伟 is another person, written once by the first run


def test_challenges_and_achievements_need_existing_owners(app, world, runner, tmp_path, future):
    """Rows name their owner by e-mail; an unknown owner is a row error; valid rows become records."""
    head = "title,summary,description,field,keywords,budget,deadline,region,owner_email,status"
    good = (f"焊接机器人视觉引导,焊缝识别,需要焊缝跟踪算法,smart_manufacturing,焊缝;视觉,500000,{future},"
            "tianjin,owner@example.cn,published")
    bad = good.replace("owner@example.cn", "nobody@example.cn")
    result = runner.invoke(args=["import", "challenges", str(write(tmp_path, [head, good, bad]))])
    assert result.exit_code == 2 and ":3: owner_email: no enterprise account" in result.output
    assert runner.invoke(args=["import", "challenges", str(write(tmp_path, [head, good]))]).exit_code == 0
    with app.app_context():
        challenge = db.session().exec(select(Challenge)).one()
        assert challenge.status == "published" and challenge.published_at is not None
    head = "title,abstract,field,keywords,maturity,region,owner_email"
    row = "焊缝视觉跟踪系统,基于结构光的焊缝跟踪,smart_manufacturing,焊缝,prototype,tianjin,solver@example.cn"
    assert runner.invoke(args=["import", "achievements", str(write(tmp_path, [head, row]))]).exit_code == 0
    assert count(app, Achievement) == 1


def test_export_cli_and_api_follow_the_documented_schema(world, runner, tmp_path):
    """CSV and JSON carry exactly the documented columns; the API is for government only."""
    cid = world.challenge("awarded")
    out = tmp_path / "awards.csv"
    assert runner.invoke(args=["export", "awards", "--output", str(out)]).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == [name for name, _m in COLUMNS["awards"]] and rows[1][0] == str(cid)
    body = world.api("government", "GET", "/exports/challenges")
    assert body.status_code == 200 and json.loads(body.data)[0]["id"] == cid
    assert "confidential" not in body.get_data(as_text=True)
    assert world.api("government", "GET", "/exports/bids?format=csv").mimetype == "text/csv"
    assert world.api("government", "GET", "/exports/bids?format=xml").status_code == 422
    assert world.api("government", "GET", "/exports/secrets").status_code == 404
    assert world.api("owner", "GET", "/exports/challenges").status_code == 403


def test_readme_documents_every_column():
    """README's import/export section names every export column and every import kind."""
    text = README.read_text(encoding="utf-8")
    for dataset, columns in COLUMNS.items():
        assert f"`{dataset}`" in text
        for name, _meaning in columns:
            assert f"`{name}`" in text, (dataset, name)


def test_exported_text_cannot_become_a_spreadsheet_formula(world, runner, tmp_path):
    """A title written as a formula is exported with a leading quote (OWASP CSV injection)."""
    cid = world.challenge("published", title="=HYPERLINK(\"http://evil.example\",\"点击\")")
    out = tmp_path / "challenges.csv"
    runner.invoke(args=["export", "challenges", "--output", str(out)])
    row = next(r for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8"))) if r[0] == str(cid))
    assert row[1].startswith("'=HYPERLINK")
    assert json.loads(world.api("government", "GET", "/exports/challenges").data)[0]["title"].startswith("=")


def test_a_failure_while_writing_rolls_everything_back(app, runner, tmp_path, monkeypatch):
    """If writing fails half-way (the second row is refused), nothing stays, and the exit status is 1."""
    write_profile = imports.WRITERS["profiles"]
    written: list[int] = []

    def refuse_the_second(session, item):
        if written:
            raise DomainError("the database refused the row")
        written.append(item.line)
        write_profile(session, item)

    monkeypatch.setitem(imports.WRITERS, "profiles", refuse_the_second)
    result = runner.invoke(args=["import", "profiles", str(write(tmp_path, PEOPLE))])
    assert result.exit_code == 1 and "nothing written: the database refused the row" in result.output
    assert written and count(app, Profile) == 0 and count(app, User) == 0
