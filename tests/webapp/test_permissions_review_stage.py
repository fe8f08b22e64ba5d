"""ARCHITECTURE.md's permission rows for questions, answers, addenda, attachments and reviews: one case per
cell (enterprise owner, solver, manager, commissioner, government), through the API and the pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from models.common import today
from tests.webapp.test_files import PDF, download, upload

ROLES = ("owner", "solver", "manager", "commissioner", "government")
DUE = (today() + dt.timedelta(days=9)).isoformat()


@pytest.fixture
def stage(world):
    """A published challenge with a question, a public and a confidential file, and a bid."""
    cid = world.challenge("published")
    qid = world.api("other_solver", "POST", f"/challenges/{cid}/questions", {"text": "样机数量？"}).json["id"]
    public = upload(world, "owner", "challenge", cid, "说明.pdf", PDF).json["id"]
    secret = upload(world, "owner", "challenge", cid, "数据.pdf", PDF, confidential=True).json["id"]
    bid = world.bid(cid, "other_solver")
    return {"cid": cid, "qid": qid, "public": public, "secret": secret, "bid": bid}


ASK = {"owner": 403, "solver": 201, "manager": 403, "commissioner": 403, "government": 403}
ANSWER = {"owner": 200, "solver": 403, "manager": 403, "commissioner": 403, "government": 403}
HIDE = {"owner": 403, "solver": 403, "manager": 403, "commissioner": 403, "government": 200}
ADDENDUM = {"owner": 201, "solver": 403, "manager": 403, "commissioner": 403, "government": 403}
PUBLIC_FILE = {role: 200 for role in ROLES}
SECRET_FILE = {"owner": 200, "solver": 404, "manager": 200, "commissioner": 404, "government": 200}
OPEN_REVIEW = {"owner": 201, "solver": 403, "manager": 403, "commissioner": 403, "government": 403}


@pytest.mark.parametrize("role", ROLES)
def test_api_cells(world, stage, role):
    """Each role's answer to each action of the new rows, through the API."""
    cid, qid = stage["cid"], stage["qid"]
    assert world.api(role, "POST", f"/challenges/{cid}/questions", {"text": "问"}).status_code == ASK[role]
    assert world.api(role, "POST", f"/challenges/{cid}/addenda", {"text": "补充"}).status_code == ADDENDUM[role]
    assert download(world, role, stage["public"]).status_code == PUBLIC_FILE[role]
    assert download(world, role, stage["secret"]).status_code == SECRET_FILE[role]
    review = world.api(role, "POST", f"/challenges/{cid}/review", {"per_bid": 1, "deadline": DUE})
    assert review.status_code == OPEN_REVIEW[role], review.json
    assert world.api(role, "POST", f"/questions/{qid}/hide", {"reason": "x"}).status_code == HIDE[role]
    if HIDE[role] != 200:  # the question is still open to answer
        assert world.api(role, "POST", f"/questions/{qid}/answer", {"answer": "答"}).status_code == ANSWER[role]


PAGE_OK = {"ask": ("solver",), "answer": ("owner",), "hide": ("government",), "addendum": ("owner",)}


@pytest.mark.parametrize("role", ROLES)
def test_page_cells(world, stage, role):
    """The same cells through the pages' forms: 302 back to the challenge where allowed, 403 otherwise."""
    cid, qid = stage["cid"], stage["qid"]
    client = world.login(role)
    forms = {"ask": (f"/challenges/{cid}/questions", {"text": "问"}),
             "addendum": (f"/challenges/{cid}/addenda", {"text": "补充"}),
             "answer": (f"/questions/{qid}/answer", {"answer": "答"}),
             "hide": (f"/questions/{qid}/hide", {"reason": "不当言论"})}
    for action, (path, data) in forms.items():
        expected = 302 if role in PAGE_OK[action] else 403
        assert client.post(path, data=data).status_code == expected, (role, action)
    assert client.get(f"/files/{stage['secret']}").status_code == SECRET_FILE[role]
    upload_page = client.post(f"/files/challenge/{cid}", data={"file": (io.BytesIO(PDF), "x.pdf")},
                              content_type="multipart/form-data")
    assert upload_page.status_code == (302 if role == "owner" else 403), role
