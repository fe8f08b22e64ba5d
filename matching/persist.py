"""Save an index to one file and load it back, so every worker starts fast without refitting."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from matching.analysis import Analyzer
from matching.channel import Channel
from matching.engine import ENGINE_VERSION, Entry, Matcher
from matching.records import Candidate, Document
from matching.semantic import SemanticModel
from matching.settings import Settings

FORMAT = 1


def save(matcher: Matcher, path: str | Path) -> None:
    """Write the live part of the index (tombstones are dropped) to `path` (.npz)."""
    live = [entry for entry in matcher.entries if entry.alive]
    units = [unit for entry in live for unit in entry.units]
    meta = {
        "format": FORMAT, "engine": ENGINE_VERSION, "stamp": matcher.stamp,
        "settings": matcher.settings.to_dict(), "dictionary": matcher.analyzer.dictionary,
        "candidates": [dataclasses.asdict(entry.record) for entry in live],
        "unit_counts": [len(entry.units) for entry in live],
        "unit_weight": [matcher.unit_weight[u] for u in units],
        "unit_title": [matcher.unit_title[u] for u in units],
        "terms": {"words": matcher.words.terms, "chars": matcher.chars.terms},
        "reference": {"words": matcher.words.reference_units, "chars": matcher.chars.reference_units},
        "semantic_terms": matcher.semantic.terms if matcher.semantic else None,
    }
    arrays = {"meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)}
    for name, channel in (("words", matcher.words), ("chars", matcher.chars)):
        arrays[f"{name}_lengths"] = np.array([len(channel.row_ids[u]) for u in units], dtype=np.int64)
        arrays[f"{name}_ids"] = _concat([channel.row_ids[u] for u in units], np.int32)
        arrays[f"{name}_sat"] = _concat([channel.row_sat[u] for u in units], np.float32)
    if matcher.semantic is not None:
        arrays["semantic_idf"] = matcher.semantic.idf
        arrays["semantic_components"] = matcher.semantic.components
        arrays["embeddings"] = matcher.embeddings()[units] if units else np.zeros((0, 1), np.float32)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def load(path: str | Path) -> Matcher:
    """Read an index written by save(), ready to rank (its matrices are built now, not at first query)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(bytes(data["meta"]).decode())
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: index format {meta.get('format')} is not {FORMAT}")
        matcher = Matcher(Analyzer(meta["dictionary"]), Settings(**meta["settings"]))
        for name in ("words", "chars"):
            channel = Channel.adopt(meta["terms"][name], data[f"{name}_ids"], data[f"{name}_sat"],
                                    data[f"{name}_lengths"], meta["reference"][name])
            setattr(matcher, name, channel)
        if meta["semantic_terms"] is not None:
            matcher.semantic = SemanticModel(meta["semantic_terms"], data["semantic_idf"],
                                             data["semantic_components"])
            matcher._embedding_blocks = [np.array(data["embeddings"], dtype=np.float32)]
    unit = 0
    for index, (record, count) in enumerate(zip(meta["candidates"], meta["unit_counts"], strict=True)):
        candidate = _candidate(record)
        units = list(range(unit, unit + count))
        unit += count
        keywords = [k for k in (matcher.analyzer.normalise_keyword(k) for k in candidate.keywords) if k]
        matcher.entries.append(Entry(candidate, units, keywords))
        matcher.index_of[candidate.id] = index
        matcher.unit_owner.extend([index] * count)
    matcher.unit_weight, matcher.unit_title = meta["unit_weight"], meta["unit_title"]
    matcher.stamp = meta["stamp"]
    for channel in (matcher.words, matcher.chars):
        channel.norms(channel.matrix())
    return matcher


def _candidate(record: dict) -> Candidate:
    record = dict(record)
    record["documents"] = tuple(Document(**d) for d in record.get("documents", ()))
    for key in ("keywords", "conflicts"):
        record[key] = tuple(record.get(key, ()))
    return Candidate(**record)


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
