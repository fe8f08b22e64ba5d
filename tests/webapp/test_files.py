"""Attachments: the type is read from the content, limits hold, a file is readable exactly as its record is,
downloads are attachments, nothing is left behind."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from models.files import MAX_FILE_BYTES, MAX_RECORD_FILES

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


def upload(world, nick: str, kind: str, record_id: int, name: str, data: bytes, confidential: bool = False):
    """Upload through the API as a multipart form."""
    client = world.app.test_client()
    form = {"file": (io.BytesIO(data), name)}
    if confidential:
        form["confidential"] = "true"
    return client.post(f"/api/v1/files/{kind}/{record_id}", data=form, content_type="multipart/form-data",
                       headers=world.headers(nick))


def listed(world, nick: str, kind: str, record_id: int) -> list[str]:
    response = world.api(nick, "GET", f"/files/{kind}/{record_id}")
    assert response.status_code == 200, response.json
    return [f["name"] for f in response.json["items"]]


def download(world, nick: str, file_id: int):
    return world.app.test_client().get(f"/api/v1/files/{file_id}", headers=world.headers(nick))


def stored(world) -> list[Path]:
    root = Path(world.app.config["FILE_DIR"])
    return [p for p in root.glob("*/*")] if root.exists() else []


def test_a_challenge_file_is_typed_by_content_and_downloaded_as_an_attachment(world):
    """Is a PDF stored with the detected type and served as a download that the browser may not sniff?"""
    cid = world.challenge("published")
    answer = upload(world, "owner", "challenge", cid, "技术要求.pdf", PDF)
    assert answer.status_code == 201, answer.json
    assert answer.json["content_type"] == "application/pdf" and answer.json["size"] == len(PDF)
    got = download(world, "solver", answer.json["id"])
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    header = got.headers["Content-Disposition"]
    assert header.isascii()  # a WSGI server refuses other header bytes
    assert "filename*=UTF-8''%E6%8A%80%E6%9C%AF%E8%A6%81%E6%B1%82.pdf" in header and 'filename="____.pdf"' in header


def test_type_spoofing_is_refused(world):
    """An HTML page named .pdf, a program named .txt, a PNG named .pdf: all refused with the field named; plain
    text without an extension is kept as .txt."""
    cid = world.challenge("draft")
    for name, data in (("report.pdf", HTML), ("notes.txt", EXE), ("scan.pdf", PNG), ("page.html", HTML)):
        answer = upload(world, "owner", "challenge", cid, name, data)
        assert answer.status_code == 422 and "file" in answer.json["error"]["fields"], name
    text = upload(world, "owner", "challenge", cid, "测试说明", "检测依据 GB/T 10095。\n".encode())
    assert text.status_code == 201 and text.json["name"] == "测试说明.txt"
    assert text.json["content_type"] == "text/plain"
    image = upload(world, "owner", "challenge", cid, "../../etc/现场.png", PNG)
    assert image.status_code == 201 and image.json["name"] == "现场.png"
    assert listed(world, "owner", "challenge", cid) == ["测试说明.txt", "现场.png"]
    assert len(stored(world)) == 2


def test_limits_per_file_and_per_record(world):
    """A file over 20 MiB, and an eleventh file on one record, are refused; an empty upload names the field."""
    cid = world.challenge("draft")
    big = upload(world, "owner", "challenge", cid, "big.txt", b"a" * (MAX_FILE_BYTES + 1))
    assert big.status_code == 422 and "file" in big.json["error"]["fields"]
    empty = upload(world, "owner", "challenge", cid, "empty.txt", b"")
    assert empty.status_code == 422
    for i in range(MAX_RECORD_FILES):
        assert upload(world, "owner", "challenge", cid, f"part{i}.txt", f"part {i}".encode()).status_code == 201
    eleventh = upload(world, "owner", "challenge", cid, "more.txt", b"more")
    assert eleventh.status_code == 422 and "file" in eleventh.json["error"]["fields"]
    assert len(stored(world)) == MAX_RECORD_FILES


def test_a_confidential_file_is_a_404_until_the_terms_are_accepted(world):
    """Does a confidential challenge file stay unknown to a solver (list and download) until they accept the
    terms, while managers read it?"""
    cid = world.challenge("published")
    secret = upload(world, "owner", "challenge", cid, "良率数据.pdf", PDF, confidential=True).json
    public = upload(world, "owner", "challenge", cid, "公开说明.pdf", PDF).json
    assert listed(world, "solver", "challenge", cid) == ["公开说明.pdf"]
    assert download(world, "solver", secret["id"]).status_code == 404
    assert download(world, "manager", secret["id"]).status_code == 200
    world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    assert download(world, "solver", secret["id"]).status_code == 200
    visitor = world.app.test_client()
    assert visitor.get(f"/files/{public['id']}").status_code == 200
    assert visitor.get(f"/files/{secret['id']}").status_code == 404


def test_bid_files_follow_the_bid(world):
    """A bid's file is read by its solver, the owner, managers and government, not by another solver; only the
    bid's solver attaches, and only while it is open."""
    cid = world.challenge("published")
    bid = world.bid(cid)
    assert upload(world, "other_solver", "bid", bid, "x.pdf", PDF).status_code == 404
    assert upload(world, "owner", "bid", bid, "x.pdf", PDF).status_code == 403
    file_id = upload(world, "solver", "bid", bid, "方案.pdf", PDF).json["id"]
    for nick, status in (("owner", 200), ("manager", 200), ("government", 200), ("other_solver", 404),
                         ("commissioner", 404)):
        assert download(world, nick, file_id).status_code == status, nick
    world.api("solver", "POST", f"/bids/{bid}/withdraw")
    assert upload(world, "solver", "bid", bid, "late.pdf", PDF).status_code == 409


def test_question_and_private_answer_files(world):
    """The asker attaches to an open question; the owner's file on a private answer is read only by those who
    may read the confidential details."""
    cid = world.challenge("published")
    qid = world.api("solver", "POST", f"/challenges/{cid}/questions", {"text": "附图中的尺寸？"}).json["id"]
    assert upload(world, "solver", "question", qid, "图纸.png", PNG).status_code == 201
    world.api("owner", "POST", f"/questions/{qid}/answer", {"answer": "见附件", "private": True})
    answer_file = upload(world, "owner", "question", qid, "尺寸表.pdf", PDF).json
    assert answer_file["confidential"] is True
    assert listed(world, "other_solver", "question", qid) == ["图纸.png"]
    assert download(world, "other_solver", answer_file["id"]).status_code == 404
    world.api("other_solver", "POST", f"/challenges/{cid}/accept-terms")
    assert download(world, "other_solver", answer_file["id"]).status_code == 200


def test_milestone_evidence_is_for_the_owner_managers_and_government(world):
    """Evidence attached to a milestone is read by the owner, managers and government, not by solvers."""
    cid = world.challenge("awarded")
    plan = {"amount": 100000, "milestones": [{"title": "样机", "amount": 100000}]}
    milestone = world.api("government", "POST", f"/challenges/{cid}/subsidy", plan).json["milestones"][0]["id"]
    file_id = upload(world, "owner", "milestone", milestone, "检测报告.pdf", PDF).json["id"]
    for nick, status in (("owner", 200), ("government", 200), ("manager", 200), ("solver", 404)):
        assert download(world, nick, file_id).status_code == status, nick


def test_profile_documents_and_achievements(world):
    """A document's file is for signed-in readers; an achievement's file for everyone; deleting the document
    deletes its files and their blobs."""
    world.add_person("prof", "南开大学", "催化材料")
    doc = world.api("prof", "POST", "/profiles/me/documents", {"kind": "paper", "title": "论文", "text": "摘要"}).json
    file_id = upload(world, "prof", "document", doc["id"], "paper.pdf", PDF).json["id"]
    assert download(world, "owner", file_id).status_code == 200
    assert world.app.test_client().get(f"/files/{file_id}").status_code == 404
    assert upload(world, "solver", "document", doc["id"], "x.pdf", PDF).status_code == 403
    achievement = world.api("prof", "POST", "/achievements", {
        "title": "低温催化剂", "abstract": "一种低温脱硝催化剂", "field": "new_materials", "keywords": ["催化"],
        "maturity": "pilot", "region": "tianjin"}).json
    shared = upload(world, "prof", "achievement", achievement["id"], "介绍.pdf", PDF).json["id"]
    assert world.app.test_client().get(f"/files/{shared}").status_code == 200
    assert world.api("prof", "DELETE", f"/profiles/me/documents/{doc['id']}").status_code in (200, 204)
    assert download(world, "prof", file_id).status_code == 404
    assert len(stored(world)) == 1


def test_only_the_uploader_removes_and_the_blob_goes(world):
    """Does removing a file delete its row and its blob, and is anyone else refused?"""
    cid = world.challenge("draft")
    file_id = upload(world, "owner", "challenge", cid, "a.pdf", PDF).json["id"]
    assert world.api("other_enterprise", "DELETE", f"/files/{file_id}").status_code == 404
    assert world.api("owner", "DELETE", f"/files/{file_id}").status_code == 200
    assert download(world, "owner", file_id).status_code == 404 and stored(world) == []


def test_pages_upload_and_list_files(world):
    """The challenge page uploads with CSRF-protected forms and lists the file; a refused file is flashed."""
    cid = world.challenge("draft")
    owner = world.login("owner")
    page = owner.get(f"/challenges/{cid}").get_data(as_text=True)
    assert f'action="/files/challenge/{cid}"' in page and 'enctype="multipart/form-data"' in page
    sent = owner.post(f"/files/challenge/{cid}", data={"file": (io.BytesIO(PDF), "需求说明.pdf")},
                      content_type="multipart/form-data")
    assert sent.status_code == 302
    assert "需求说明.pdf" in owner.get(f"/challenges/{cid}").get_data(as_text=True)
    bad = owner.post(f"/files/challenge/{cid}", data={"file": (io.BytesIO(HTML), "x.pdf")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert bad.status_code == 200 and 'class="flash error"' in bad.get_data(as_text=True)


def test_prune_files_removes_only_old_orphans(world, runner):
    """`flask prune-files` deletes a blob no row names once it is old enough, and keeps every attached file."""
    cid = world.challenge("draft")
    upload(world, "owner", "challenge", cid, "a.pdf", PDF)
    root = Path(world.app.config["FILE_DIR"])
    orphan = root / "ab" / "ab0123456789"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    assert "Removed 0" in runner.invoke(args=["prune-files"]).output  # too recent: may be committing
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    assert "Removed 1" in runner.invoke(args=["prune-files"]).output
    assert not orphan.exists() and len(stored(world)) == 1


def test_a_body_far_over_the_limit_is_a_413(world):
    """A request body well above the upload limit is refused before it is read, as JSON."""
    cid = world.challenge("draft")
    answer = upload(world, "owner", "challenge", cid, "huge.txt", b"a" * (MAX_FILE_BYTES + 2 * 2**20))
    assert answer.status_code == 413 and answer.json["error"]["code"]
