"""Read and validate the CLI's JSONL files; every problem names the file, the line and the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from matching.records import Candidate, Document, Query


class InputError(Exception):
    """A file the CLI cannot use, with where and why."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


def _lines(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise InputError(path, None, f"cannot open ({exc.strerror or exc})") from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(path, number, f"not valid JSON ({exc.msg})") from None
                if not isinstance(record, dict):
                    raise InputError(path, number, "each line must be a JSON object")
                yield number, record
        except UnicodeDecodeError:
            raise InputError(path, None, "not UTF-8 text") from None


def _text(record: dict, key: str, path, number) -> str:
    value = record.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(path, number, f'"{key}" must be a string')
    return value


def _strings(record: dict, key: str, path, number) -> tuple[str, ...]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(path, number, f'"{key}" must be a list of strings')
    return tuple(value)


def _id(record: dict, path, number, seen: set[str]) -> str:
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, number, 'missing "id" (a non-empty string)')
    if value in seen:
        raise InputError(path, number, f'duplicate id "{value}"')
    seen.add(value)
    return value


def _vector(record: dict, path, number) -> np.ndarray | None:
    """An optional precomputed embedding: a list of numbers."""
    value = record.get("vector")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, int | float) and not isinstance(v, bool)
                                                          for v in value):
        raise InputError(path, number, '"vector" must be a non-empty list of numbers')
    return np.asarray(value, dtype=np.float32)


def read_candidates(path: str | Path) -> list[Candidate]:
    """Candidates: id, plus text in text, keywords or documents."""
    seen: set[str] = set()
    out = []
    for number, record in _lines(path):
        cid = _id(record, path, number, seen)
        documents = record.get("documents") or []
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise InputError(path, number, '"documents" must be a list of objects')
        docs = tuple(Document(_text(d, "title", path, number), _text(d, "text", path, number),
                              (str(d["date"]) if d.get("date") is not None else None), _vector(d, path, number))
                     for d in documents)
        capacity = record.get("capacity")
        if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
            raise InputError(path, number, '"capacity" must be a whole number ≥ 0')
        candidate = Candidate(
            id=cid, kind=_text(record, "kind", path, number) or "solver", name=_text(record, "name", path, number),
            text=_text(record, "text", path, number), keywords=_strings(record, "keywords", path, number),
            documents=docs, region=_text(record, "region", path, number), org=_text(record, "org", path, number),
            capacity=capacity, load=int(record.get("load") or 0),
            conflicts=_strings(record, "conflicts", path, number), vector=_vector(record, path, number))
        if not candidate.has_text():
            raise InputError(path, number, f'candidate "{cid}" has no text (text, keywords or documents)')
        out.append(candidate)
    if not out:
        raise InputError(path, None, "no candidates")
    return out


def read_queries(path: str | Path) -> list[Query]:
    """Queries: id, plus text in title, text or keywords."""
    seen: set[str] = set()
    out = []
    for number, record in _lines(path):
        qid = _id(record, path, number, seen)
        query = Query(id=qid, title=_text(record, "title", path, number), text=_text(record, "text", path, number),
                      keywords=_strings(record, "keywords", path, number),
                      region=_text(record, "region", path, number), org=_text(record, "org", path, number),
                      conflicts=_strings(record, "conflicts", path, number), vector=_vector(record, path, number))
        if not query.has_text():
            raise InputError(path, number, f'query "{qid}" has no text (title, text or keywords)')
        out.append(query)
    if not out:
        raise InputError(path, None, "no queries")
    return out


def read_qrels(path: str | Path) -> dict[str, dict[str, float]]:
    """Relevance judgements: {"query", "candidate", "relevance"} per line (relevance > 0 is relevant)."""
    qrels: dict[str, dict[str, float]] = {}
    for number, record in _lines(path):
        query, candidate, grade = record.get("query"), record.get("candidate"), record.get("relevance")
        if not isinstance(query, str | int) or not isinstance(candidate, str | int):
            raise InputError(path, number, 'needs "query" and "candidate" ids')
        if not isinstance(grade, int | float) or isinstance(grade, bool):
            raise InputError(path, number, '"relevance" must be a number')
        qrels.setdefault(str(query), {})[str(candidate)] = float(grade)
    if not qrels:
        raise InputError(path, None, "no judgements")
    return qrels
