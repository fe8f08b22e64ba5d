"""Where uploaded files live, behind one small interface: local disk under the instance folder by default, or
S3-compatible object storage (boto3) when FILE_STORAGE=s3.

A blob is written before its database row; if that transaction rolls back (an error, a lost race that the
request layer retries, a failed commit), the blobs it wrote are deleted — so a failed upload leaves no orphan.
`flask prune-files` removes any blob without a row left by a crash between the write and the commit.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import event
from sqlmodel import Session


class Storage(Protocol):
    """What the app needs of a file store."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[tuple[str, dt.datetime]]:
        """Every stored key with the time it was written (UTC)."""
        ...


class LocalStorage:
    """Files on disk: <root>/<first two characters of the key>/<key>."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("storage keys are letters and digits")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # a reader never sees half a file

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[tuple[str, dt.datetime]]:
        if not self.root.exists():
            return
        for path in self.root.glob("*/*"):
            if path.suffix != ".part":
                yield path.name, dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)


class S3Storage:
    """Objects in one bucket of an S3-compatible store (AWS S3, MinIO, Ceph RGW, …) through boto3."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None) -> None:
        import boto3  # only when configured

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def keys(self) -> Iterator[tuple[str, dt.datetime]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"], item["LastModified"]


def storage() -> Storage:
    """The app's file store."""
    return current_app.extensions["storage"]


def make_storage(config: dict) -> Storage:
    """The store the configuration names (FILE_STORAGE=local|s3)."""
    if config.get("FILE_STORAGE") == "s3":
        return S3Storage(config["S3_BUCKET"], config.get("S3_ENDPOINT_URL"), config.get("S3_REGION"))
    return LocalStorage(config["FILE_DIR"])


def init_app(app: Flask) -> None:
    """Open the configured store."""
    app.extensions["storage"] = make_storage(app.config)


def written(session: Session, store: Storage, key: str) -> None:
    """Remember a blob written in this transaction: deleted if the transaction rolls back."""
    session.info.setdefault("written_blobs", []).append((store, key))


def removed(session: Session, store: Storage, key: str) -> None:
    """Remember a blob whose row this transaction deletes: deleted once the transaction commits."""
    session.info.setdefault("removed_blobs", []).append((store, key))


@event.listens_for(Session, "after_commit")
def _keep(session: Session) -> None:
    session.info.pop("written_blobs", None)
    for store, key in session.info.pop("removed_blobs", []):
        store.delete(key)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("removed_blobs", None)
    for store, key in session.info.pop("written_blobs", []):
        store.delete(key)
