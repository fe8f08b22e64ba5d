"""Files in S3-compatible object storage (FILE_STORAGE=s3) against a real S3 server the test starts: upload,
download, removal, no orphan after a rolled-back upload, and pruning by listing the bucket."""

from __future__ import annotations

import io

import pytest

from models.db import writing
from models.files import AttachmentKind
from tests import s3_server
from tests.conftest import make_app, require
from tests.webapp.test_files import PDF, download, upload
from tests.world import World
from webapp import db

BUCKET = "jiebang-files"


@pytest.fixture(scope="module")
def s3():
    require(s3_server.available(), s3_server.INSTALL_HINT)
    server = s3_server.S3Server()
    yield server.start()
    server.stop()


@pytest.fixture
def s3_world(s3, database_url, tmp_path, monkeypatch):
    """An app storing files in a fresh bucket of the test server, with the cast."""
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3, region_name="us-east-1")
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []) if _exists(client) else []:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    if not _exists(client):
        client.create_bucket(Bucket=BUCKET)
    app = make_app(database_url, tmp_path, FILE_STORAGE="s3", S3_BUCKET=BUCKET, S3_ENDPOINT_URL=s3,
                   S3_REGION="us-east-1")
    yield World.build(app), client
    db.dispose(app)


def _exists(client) -> bool:
    return any(b["Name"] == BUCKET for b in client.list_buckets().get("Buckets", []))


def objects(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_files_live_in_the_bucket(s3_world):
    """Is an uploaded file an object in the bucket, read back through the download, and deleted with it?"""
    world, client = s3_world
    cid = world.challenge("draft")
    answer = upload(world, "owner", "challenge", cid, "要求.pdf", PDF)
    assert answer.status_code == 201, answer.json
    assert len(objects(client)) == 1
    got = download(world, "owner", answer.json["id"])
    assert got.status_code == 200 and got.data == PDF and got.headers["Content-Type"] == "application/pdf"
    assert world.api("owner", "DELETE", f"/files/{answer.json['id']}").status_code == 200
    assert objects(client) == []


def test_a_rolled_back_upload_leaves_no_object(s3_world):
    """An upload whose transaction rolls back after the object was written leaves nothing in the bucket."""
    world, client = s3_world
    cid = world.challenge("draft")
    with world.app.test_request_context(method="POST"), writing():  # as an unsafe request writes
        from flask_login import login_user

        from webapp.auth import load_account
        from webapp.services import attachments
        from webapp.storage import storage

        account = load_account(world.users["owner"]["id"])
        login_user(account)
        attachments.attach(db.session(), storage(), account, AttachmentKind.CHALLENGE, cid, "a.pdf", PDF)
        assert len(objects(client)) == 1
        db.rollback()
    assert objects(client) == []


def test_prune_lists_the_bucket(s3_world):
    """`flask prune-files --older-than 0` removes an object no row names and keeps attached ones."""
    world, client = s3_world
    cid = world.challenge("draft")
    upload(world, "owner", "challenge", cid, "keep.pdf", PDF)
    client.put_object(Bucket=BUCKET, Key="0123abcd", Body=io.BytesIO(b"orphan"))
    output = world.app.test_cli_runner().invoke(args=["prune-files", "--older-than", "0"]).output
    assert "Removed 1" in output and len(objects(client)) == 1
