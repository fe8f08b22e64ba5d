"""Save an index to one file and load it back, so every worker starts fast without refitting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from matching import mapped
from matching.analysis import Analyzer
from matching.channel import Channel
from matching.engine import ENGINE_VERSION, Entry, Matcher
from matching.records import Candidate
from matching.semantic import SemanticModel
from matching.settings import Settings

FORMAT = 5  # 5: embeddings stored centred (matching/dense.py); 4: memory-mapped, fields as flat text
SEPARATOR = "\x1f"  # unit separator: never in analysed text
TEXT_FIELDS = ("id", "kind", "name", "region", "org")


def save(matcher: Matcher, path: str | Path) -> None:
    """Write the live part of the index (tombstones are dropped) to `path` (.npz), replacing it at once."""
    live = [entry for entry in matcher.entries if entry.alive]
    units = [unit for entry in live for unit in entry.units]
    meta = {
        "format": FORMAT, "engine": ENGINE_VERSION, "stamp": matcher.stamp,
        "settings": matcher.settings.to_dict(), "dictionary": matcher.analyse.dictionary,
        "reference": {"words": matcher.words.reference_units, "chars": matcher.chars.reference_units},
        "semantic_terms": matcher.semantic.terms if matcher.semantic else None,
    }
    records = [entry.record for entry in live]
    arrays = {"meta": _text(json.dumps(meta, ensure_ascii=False)),
              "unit_counts": np.array([len(entry.units) for entry in live], dtype=np.int64),
              "unit_weight": np.array([matcher.unit_weight[u] for u in units], dtype=np.float64),
              "unit_title": _text(SEPARATOR.join((matcher.unit_title[u] or "").replace(SEPARATOR, " ")
                                                 for u in units)),
              "capacity": np.array([-1 if r.capacity is None else r.capacity for r in records], dtype=np.int64),
              "load": np.array([r.load for r in records], dtype=np.int64)}
    for name in TEXT_FIELDS:
        arrays.update(_strings(name, [getattr(r, name) for r in records]))
    for name, lists in (("keywords", [r.keywords for r in records]), ("conflicts", [r.conflicts for r in records]),
                        ("normalised", [entry.keywords for entry in live])):
        arrays.update(_nested(name, lists))
    for name, channel in (("words", matcher.words), ("chars", matcher.chars)):
        arrays.update(_channel(name, channel, units))
    if matcher.semantic is not None:
        arrays["semantic_idf"] = matcher.semantic.idf
        arrays["semantic_components"] = matcher.semantic.components
        arrays["embeddings"] = matcher.embeddings()[units] if units else np.zeros((0, 1), np.float32)
    if matcher.dense.dim:
        arrays["dense"] = matcher.dense.matrix()[units] if units else np.zeros((0, matcher.dense.dim), np.float32)
    mapped.write(path, arrays)


def _channel(name: str, channel: Channel, units: list[int]) -> dict[str, np.ndarray]:
    """A channel's live rows in both forms (rows for updates and reasons, columns for ranking)."""
    ids, sat, indptr = channel.rows.flat()
    if len(units) == len(channel.alive):  # no tombstones: the store is saved as it is
        lengths = np.diff(indptr)
    else:
        rows = [channel.rows.row(u) for u in units]
        lengths = np.array([len(r[0]) for r in rows], dtype=np.int64)
        ids, sat = _concat([r[0] for r in rows], np.int32), _concat([r[1] for r in rows], np.float32)
    compiled = sparse.csr_matrix((sat, ids, np.concatenate([[0], np.cumsum(lengths)])),
                                 shape=(len(lengths), len(channel.terms))).tocsc()
    return {f"{name}_lengths": lengths, f"{name}_ids": ids, f"{name}_sat": sat,
            f"{name}_csc_data": compiled.data, f"{name}_csc_indices": compiled.indices,
            f"{name}_csc_indptr": compiled.indptr, f"{name}_terms": _text(SEPARATOR.join(channel.terms)),
            f"{name}_df": np.diff(compiled.indptr).astype(np.float64),  # live units only: the live statistics
            f"{name}_norms": channel.norms()[units] if units else np.zeros(0)}


def saved_stamp(path: str | Path) -> str:
    """The version stamp an index was saved with, read without opening the index."""
    return _meta(path, mapped.read(path))["stamp"]


def _meta(path: str | Path, data: dict[str, np.ndarray]) -> dict:
    """An index's description; ValueError when the file is not an index of this format."""
    if "meta" not in data:
        raise ValueError(f"{path}: not an index saved by `python -m matching index`")
    meta = json.loads(_untext(data["meta"]))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: index format {meta.get('format')} is not {FORMAT}: build it again "
                         "with `python -m matching index`")
    return meta


def load(path: str | Path) -> Matcher:
    """Open an index written by save(), ready to rank. Its arrays are memory-mapped, not read: a query reads
    the pages it touches, and workers that load the same file share them."""
    data = mapped.read(path)
    meta = _meta(path, data)
    matcher = Matcher(Analyzer(meta["dictionary"]), Settings(**meta["settings"]))
    counts = data["unit_counts"]
    for name in ("words", "chars"):
        lengths, terms = data[f"{name}_lengths"], _split(data[f"{name}_terms"])
        compiled = sparse.csc_matrix((data[f"{name}_csc_data"], data[f"{name}_csc_indices"],
                                      data[f"{name}_csc_indptr"]), shape=(len(lengths), len(terms)))
        channel = Channel.adopt(terms, data[f"{name}_ids"], data[f"{name}_sat"], lengths,
                                meta["reference"][name], compiled, data[f"{name}_df"], data[f"{name}_norms"])
        setattr(matcher, name, channel)
    if meta["semantic_terms"] is not None:
        matcher.semantic = SemanticModel(meta["semantic_terms"], data["semantic_idf"], data["semantic_components"])
        matcher.set_embeddings(data["embeddings"])
    for index, (record, units, keywords) in enumerate(zip(_records(data), _ranges(counts),
                                                          _unnested(data, "normalised"), strict=True)):
        matcher.entries.append(Entry(record, units, keywords))
        matcher.index_of[record.id] = index
    if "dense" in data:
        matcher.dense.adopt(data["dense"])
    else:
        matcher.dense.count = int(counts.sum())
    matcher.unit_owner = np.repeat(np.arange(len(counts)), counts).tolist()
    matcher.unit_weight = data["unit_weight"].tolist()
    matcher.unit_title = [t or None for t in _untext(data["unit_title"]).split(SEPARATOR)] if len(counts) else []
    matcher.stamp = meta["stamp"]
    return matcher


def _records(data: dict[str, np.ndarray]) -> list[Candidate]:
    """The saved candidates (without texts and documents, as the index keeps them)."""
    ids, kinds, names, regions, orgs = (_unstrings(data, name) for name in TEXT_FIELDS)
    capacity = [None if c < 0 else c for c in data["capacity"].tolist()]
    columns = zip(ids, kinds, names, _unnested(data, "keywords"), regions, orgs, capacity, data["load"].tolist(),
                  _unnested(data, "conflicts"), strict=True)
    return [Candidate(i, k, n, "", tuple(kw), (), r, o, c, ld, tuple(cf)) for i, k, n, kw, r, o, c, ld, cf in columns]


def _ranges(counts: np.ndarray) -> list[range]:
    """Each candidate's units: consecutive, in candidate order."""
    stops = np.cumsum(counts).tolist()
    return [range(stop - count, stop) for stop, count in zip(stops, counts.tolist(), strict=True)]


def _strings(name: str, values: list[str]) -> dict[str, np.ndarray]:
    """Strings as one text and their lengths: exact whatever they contain, and read back in one pass."""
    return {f"{name}_text": _text("".join(values)), f"{name}_lengths": np.array([len(v) for v in values], np.int64)}


def _unstrings(data: dict[str, np.ndarray], name: str) -> list[str]:
    text, stops = _untext(data[f"{name}_text"]), np.cumsum(data[f"{name}_lengths"]).tolist()
    return [text[start:stop] for start, stop in zip([0, *stops][:-1], stops, strict=True)]


def _nested(name: str, lists: list) -> dict[str, np.ndarray]:
    """Lists of strings as their counts and the strings of all of them in order."""
    return {f"{name}_counts": np.array([len(values) for values in lists], np.int64),
            **_strings(name, [value for values in lists for value in values])}


def _unnested(data: dict[str, np.ndarray], name: str) -> list[list[str]]:
    flat, stops = _unstrings(data, name), np.cumsum(data[f"{name}_counts"]).tolist()
    return [flat[start:stop] for start, stop in zip([0, *stops][:-1], stops, strict=True)]


def _text(value: str) -> np.ndarray:
    return np.frombuffer(value.encode(), dtype=np.uint8)


def _untext(array: np.ndarray) -> str:
    return array.tobytes().decode()


def _split(array: np.ndarray) -> list[str]:
    text = _untext(array)
    return text.split(SEPARATOR) if text else []


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
