"""Save an index to one file and load it back, so every worker starts fast without refitting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from matching.analysis import Analyzer
from matching.channel import Channel
from matching.engine import ENGINE_VERSION, Entry, Matcher
from matching.records import Candidate
from matching.semantic import SemanticModel
from matching.settings import Settings

FORMAT = 3
SEPARATOR = "\x1f"  # unit separator: never in analysed text
RECORD_FIELDS = ("id", "kind", "name", "keywords", "region", "org", "capacity", "load", "conflicts")


def save(matcher: Matcher, path: str | Path) -> None:
    """Write the live part of the index (tombstones are dropped) to `path` (.npz)."""
    live = [entry for entry in matcher.entries if entry.alive]
    units = [unit for entry in live for unit in entry.units]
    meta = {
        "format": FORMAT, "engine": ENGINE_VERSION, "stamp": matcher.stamp,
        "settings": matcher.settings.to_dict(), "dictionary": matcher.analyse.dictionary,
        "candidates": {name: [getattr(entry.record, name) for entry in live] for name in RECORD_FIELDS},
        "keywords": [entry.keywords for entry in live],
        "reference": {"words": matcher.words.reference_units, "chars": matcher.chars.reference_units},
        "semantic_terms": matcher.semantic.terms if matcher.semantic else None,
    }
    arrays = {"meta": _text(json.dumps(meta, ensure_ascii=False)),
              "unit_counts": np.array([len(entry.units) for entry in live], dtype=np.int64),
              "unit_weight": np.array([matcher.unit_weight[u] for u in units], dtype=np.float64),
              "unit_title": _text(SEPARATOR.join((matcher.unit_title[u] or "").replace(SEPARATOR, " ")
                                                 for u in units)),
              "words_terms": _text(SEPARATOR.join(matcher.words.terms)),
              "chars_terms": _text(SEPARATOR.join(matcher.chars.terms))}
    for name, channel in (("words", matcher.words), ("chars", matcher.chars)):
        ids, sat, indptr = channel.rows.flat()
        if len(units) == len(channel.alive):  # no tombstones: the store is saved as it is
            lengths = np.diff(indptr)
        else:
            rows = [channel.rows.row(u) for u in units]
            lengths = np.array([len(r[0]) for r in rows], dtype=np.int64)
            ids, sat = _concat([r[0] for r in rows], np.int32), _concat([r[1] for r in rows], np.float32)
        arrays[f"{name}_lengths"], arrays[f"{name}_ids"], arrays[f"{name}_sat"] = lengths, ids, sat
        compiled = sparse.csr_matrix((sat, ids, np.concatenate([[0], np.cumsum(lengths)])),
                                     shape=(len(lengths), len(channel.terms))).tocsc()
        arrays[f"{name}_csc_data"], arrays[f"{name}_csc_indices"] = compiled.data, compiled.indices
        arrays[f"{name}_csc_indptr"] = compiled.indptr
        arrays[f"{name}_norms"] = channel.norms(channel.matrix())[units] if units else np.zeros(0)
    if matcher.semantic is not None:
        arrays["semantic_idf"] = matcher.semantic.idf
        arrays["semantic_components"] = matcher.semantic.components
        arrays["embeddings"] = matcher.embeddings()[units] if units else np.zeros((0, 1), np.float32)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as bool


def load(path: str | Path) -> Matcher:
    """Read an index written by save(), ready to rank (its matrices are built now, not at first query)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(_untext(data["meta"]))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: index format {meta.get('format')} is not {FORMAT}")
        matcher = Matcher(Analyzer(meta["dictionary"]), Settings(**meta["settings"]))
        counts, weights = data["unit_counts"], data["unit_weight"].tolist()
        titles = [t or None for t in _untext(data["unit_title"]).split(SEPARATOR)] if weights else []
        for name in ("words", "chars"):
            lengths, terms = data[f"{name}_lengths"], _split(data[f"{name}_terms"])
            compiled = sparse.csc_matrix((data[f"{name}_csc_data"], data[f"{name}_csc_indices"],
                                          data[f"{name}_csc_indptr"]), shape=(len(lengths), len(terms)))
            channel = Channel.adopt(terms, data[f"{name}_ids"], data[f"{name}_sat"], lengths,
                                    meta["reference"][name], compiled)
            channel._norms = np.array(data[f"{name}_norms"])  # same statistics, so the same lengths
            setattr(matcher, name, channel)
        if meta["semantic_terms"] is not None:
            matcher.semantic = SemanticModel(meta["semantic_terms"], data["semantic_idf"],
                                             data["semantic_components"])
            matcher._embedding_blocks = [np.array(data["embeddings"], dtype=np.float32)]
    columns = meta["candidates"]
    records = [Candidate(i, k, n, "", tuple(kw), (), r, o, c, ld, tuple(cf)) for i, k, n, kw, r, o, c, ld, cf in zip(
        *(columns[name] for name in RECORD_FIELDS), strict=True)]
    unit = 0
    for index, (record, count, keywords) in enumerate(zip(records, counts.tolist(), meta["keywords"], strict=True)):
        matcher.entries.append(Entry(record, list(range(unit, unit + count)), keywords))
        matcher.index_of[record.id] = index
        unit += count
    matcher.unit_owner = np.repeat(np.arange(len(records)), counts).tolist()
    matcher.unit_weight, matcher.unit_title = weights, titles
    matcher.stamp = meta["stamp"]
    return matcher


def _text(value: str) -> np.ndarray:
    return np.frombuffer(value.encode(), dtype=np.uint8)


def _untext(array: np.ndarray) -> str:
    return array.tobytes().decode()


def _split(array: np.ndarray) -> list[str]:
    text = _untext(array)
    return text.split(SEPARATOR) if text else []


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
