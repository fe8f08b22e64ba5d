"""The Matcher: index candidates, rank them for a query with scores in [0, 1] and reasons."""

from __future__ import annotations

import dataclasses
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import numpy as np

from matching import dense
from matching.analysis import Analyzer, domain_terms
from matching.channel import Channel, QueryVector
from matching.keywords import keyword_matches
from matching.parallel import Analysed, Encoder, analyse_all
from matching.records import Candidate, Hit, Query, QueryHit, Reason, keyword_reason
from matching.reverse import rank_queries
from matching.semantic import SemanticModel
from matching.settings import Settings
from matching.text import telling
from matching.topk import Scored, Search

ENGINE_VERSION = "jiebang-match-2"
CAPACITY_RULES = ("ignore", "mark", "exclude")
QUERY_CACHE = 4096  # analysed queries kept per engine
Sources = tuple[dict, dict]  # per channel, each encoder's term ids → the channel's (see Channel.add_encoded)


@dataclass
class Entry:
    """An indexed candidate: its record, units, normalised keywords, and whether it is live."""

    record: Candidate
    units: range  # consecutive unit indices
    keywords: list[str]
    alive: bool = True


class Matcher:
    """Ranks candidates (solvers, managers, commissioners, achievements) for queries (challenges)."""

    def __init__(self, analyzer: Analyzer | None = None, settings: Settings | None = None,
                 semantic: SemanticModel | None = None) -> None:
        self.analyzer = analyzer
        self.settings = settings or Settings()
        self.semantic = semantic
        self._embedded = np.zeros((0, 0), dtype=np.float32)  # unit vectors, with room to grow
        self._embedded_rows = 0
        self.dense = dense.DenseUnits()  # document embeddings, fused at rank time (matching/dense.py)
        self.words, self.chars = Channel(), Channel()
        self.entries: list[Entry] = []
        self.index_of: dict[str, int] = {}
        self.unit_owner: list[int] = []
        self.unit_weight: list[float] = []
        self.unit_title: list[str | None] = []
        self.stamp: str = ""
        self._arrays: dict[str, np.ndarray] | None = None
        self._references: tuple[int | None, int | None] | None = None
        self._codes: dict[str, dict[str, int]] = {"kind": {}, "org": {}, "region": {}}
        self._query_cache: OrderedDict[tuple, tuple[Counter, Counter]] = OrderedDict()

    # --- building ---------------------------------------------------------------------------

    def fit(self, candidates: Iterable[Candidate], stamp: str = "", model: Matcher | None = None) -> Matcher:
        """Index candidates from scratch, learning the model (dictionary, semantic space, reference size).

        With `model`, reuse another engine's learned model instead: fit(A) then add(B) ranks exactly like
        fit(A + B, model=that engine).
        """
        self._query_cache.clear()  # a new analyser may segment differently
        if model is not None:
            self.analyzer, self.semantic = model.analyzer, model.semantic
            self._references = (model.words.reference_units, model.chars.reference_units)
        candidates = list(candidates)
        if self.analyzer is None:
            self.analyzer = Analyzer(domain_terms(k for c in candidates for k in c.keywords))
        learn = self.semantic is None
        batches = analyse_all(self.analyzer, [self._unit_texts(c) for c in candidates],
                              [c.keywords for c in candidates])
        sources: Sources = ({}, {})
        start = 0
        for analysed in batches:
            self._insert(candidates[start:start + len(analysed.units)], analysed, sources, embed=not learn)
            start += len(analysed.units)
        self.words.rows.consolidate()
        self.chars.rows.consolidate()
        references = self._references or (self.words.live_units, self.chars.live_units)
        self.words.reference_units, self.chars.reference_units = references
        self.words._changed(structure=False)
        self.chars._changed(structure=False)
        if learn and self.settings.semantic_share > 0:
            s = self.settings
            self.semantic = SemanticModel.learn(self.words, s.semantic_dims, s.semantic_sample, s.semantic_iterations)
            if self.semantic is not None:
                self.set_embeddings(self._embed_all())
        self.stamp = stamp
        return self

    @property
    def analyse(self) -> Analyzer:
        """The fitted analyser (an engine that was never fitted gets a plain one on first use)."""
        if self.analyzer is None:
            self.analyzer = Analyzer()
        return self.analyzer

    def _embed_all(self) -> np.ndarray:
        """Semantic vectors of every unit, a block at a time (bounded memory)."""
        semantic = self.semantic
        assert semantic is not None, "embedding needs a learned semantic model"
        matrix = self.words.rows.csr(len(self.words.terms))
        step = 20_000
        blocks = [semantic.embed_matrix(matrix[i:i + step]) for i in range(0, matrix.shape[0], step)]
        return np.vstack(blocks) if blocks else np.zeros((0, semantic.components.shape[0]), np.float32)

    def add(self, candidate: Candidate) -> None:
        """Index one more candidate (or replace one with the same id)."""
        if candidate.id in self.index_of:
            self.remove(candidate.id)
        analysed = Encoder(self.analyse).batch([self._unit_texts(candidate)], [candidate.keywords])
        self._insert([candidate], analysed, ({}, {}))

    update = add

    def remove(self, candidate_id: str) -> None:
        """Take a candidate out of the index; unknown ids are ignored."""
        index = self.index_of.pop(candidate_id, None)
        if index is None:
            return
        entry = self.entries[index]
        entry.alive = False
        if self._arrays is not None and index < len(self._arrays["alive"]):
            self._arrays["alive"][index] = False
        self.dense.forget(entry.units)
        for unit in entry.units:
            self.words.remove_unit(unit)
            self.chars.remove_unit(unit)

    def __len__(self) -> int:
        return len(self.index_of)

    def __contains__(self, candidate_id: str) -> bool:
        return candidate_id in self.index_of

    def _insert(self, candidates: list[Candidate], analysed: Analysed, sources: Sources, embed: bool = True) -> None:
        """Add analysed candidates and their units to both channels (and the semantic space when learned)."""
        units = self.words.add_encoded(analysed.words, sources[0])
        self.chars.add_encoded(analysed.chars, sources[1])
        if embed and self.semantic is not None and units:
            self._append_embeddings(self.semantic.embed_rows(self.words, units[0], units[-1] + 1))
        position = 0
        for candidate, count, keywords in zip(candidates, analysed.units, analysed.keywords, strict=True):
            index = len(self.entries)
            mine = units[position:position + count]
            position += count
            own = self._has_profile_unit(candidate)
            titles = ([None] if own else []) + [d.title for d in candidate.documents]
            self.dense.append(([candidate.vector] if own else []) + [d.vector for d in candidate.documents])
            self.unit_owner.extend([index] * count)
            self.unit_weight.extend(self._recency(candidate))
            self.unit_title.extend(titles)
            self.entries.append(Entry(_slim(candidate), mine, keywords))
            self.index_of[candidate.id] = index

    @staticmethod
    def _has_profile_unit(candidate: Candidate) -> bool:
        return bool(candidate.text.strip() or candidate.keywords or not candidate.documents)

    def _unit_texts(self, candidate: Candidate) -> list[list[tuple[str, float]]]:
        """The weighted fields of each unit: the profile itself, then one per document."""
        s = self.settings
        units = []
        if self._has_profile_unit(candidate):
            units.append([(candidate.text, s.text_weight), (" ; ".join(candidate.keywords), s.keyword_weight)])
        for document in candidate.documents:
            units.append([(document.title, s.title_weight), (document.text, s.text_weight)])
        return units

    def _recency(self, candidate: Candidate) -> list[float]:
        """Unit weights: a candidate's newer documents count more than its older ones."""
        s = self.settings
        years = [_year(d.date) for d in candidate.documents]
        newest = max((y for y in years if y is not None), default=None)
        weights = [1.0] if self._has_profile_unit(candidate) else []
        for year in years:
            if year is None or newest is None:
                weights.append(1.0)
            else:
                decay = 0.5 ** ((newest - year) / s.recency_half_life)
                weights.append(s.recency_floor + (1.0 - s.recency_floor) * decay)
        return weights

    # --- ranking ----------------------------------------------------------------------------

    def query_vectors(self, query: Query) -> tuple[QueryVector, QueryVector, np.ndarray | None]:
        """The query in both channels, fields weighted, and its semantic vector (None without a model)."""
        words, chars = self.query_bags(query)
        embedding = self.semantic.embed(words) if self.semantic is not None else None
        return self.words.vector(words), self.chars.vector(chars), embedding

    def query_bags(self, query: Query) -> tuple[Counter, Counter]:
        """The query's weighted word and bigram counts. The analyser is fixed once fitted, so the most recent
        QUERY_CACHE analyses are kept: pages that rank the same challenges again skip the segmentation."""
        key = (query.title, query.text, tuple(query.keywords))
        if key in self._query_cache:
            self._query_cache.move_to_end(key)
            return self._query_cache[key]
        s = self.settings
        bags = self.analyse.bag([(query.title, s.title_weight), (query.text, s.text_weight),
                                  (" ; ".join(query.keywords), s.keyword_weight)])
        self._query_cache[key] = bags
        if len(self._query_cache) > QUERY_CACHE:
            self._query_cache.popitem(last=False)
        return bags

    def rank(self, query: Query, k: int = 20, kinds: Iterable[str] | None = None,
             exclude: Iterable[str] = (), capacity: str = "ignore", only: Iterable[str] | None = None) -> list[Hit]:
        """The best k candidates with a score above 0 (k=0: every eligible candidate, zeros included).

        `only` restricts the ranking to the given candidate ids (to score a few known candidates).
        """
        return self.rank_with(query, k, kinds, exclude, capacity, only)[0]

    def scores(self, query: Query, k: int = 20, kinds: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """rank() without the reasons — (candidate id, score), best first — for callers that show none (search
        reads up to a thousand hits; their reasons cost ≈ 25 µs each)."""
        words, chars, embedding = self.query_vectors(query)
        eligible = self._eligible(query, set(kinds) if kinds else None, set(), "ignore")
        query_keywords = [k for k in (self.analyse.normalise_keyword(k) for k in query.keywords) if k]
        found = Search(self, query, words, chars, embedding, query_keywords).top(eligible, k)
        return [(self.entries[item.index].record.id, item.score) for item in found]

    def rank_with(self, query: Query, k: int = 20, kinds: Iterable[str] | None = None,
                  exclude: Iterable[str] = (), capacity: str = "ignore", only: Iterable[str] | None = None,
                  also: Iterable[str] = ()) -> tuple[list[Hit], list[Hit]]:
        """rank(), and from the same pass the hits of the eligible candidates `also` that score above 0, best
        first (what rank(only=also) gives), to show known candidates beside the top k without ranking twice."""
        if capacity not in CAPACITY_RULES:
            raise ValueError(f"capacity must be one of {CAPACITY_RULES}")
        words, chars, embedding = self.query_vectors(query)
        eligible = self._eligible(query, set(kinds) if kinds else None, set(exclude), capacity)
        if only is not None:
            eligible &= np.isin(np.arange(len(self.entries)), [self.index_of[i] for i in only if i in self.index_of])
        query_keywords = [k for k in (self.analyse.normalise_keyword(k) for k in query.keywords) if k]
        search = Search(self, query, words, chars, embedding, query_keywords)
        extra = [self.index_of[i] for i in dict.fromkeys(also) if i in self.index_of and eligible[self.index_of[i]]]
        found = (self._top(search, eligible, k),
                 search.select(np.array(extra, dtype=np.int64), len(extra)) if extra else [])
        if dense.active(self, query.vector) and found[1]:
            found = (found[0], dense.fuse(self, query.vector, found[1]))
        return self._hits(query, words, query_keywords, found[0], capacity), \
            self._hits(query, words, query_keywords, found[1], capacity)

    def _top(self, search: Search, eligible: np.ndarray, k: int) -> list[Scored]:
        """The best k, re-scored with the embeddings when the query and the index have them (matching/dense.py):
        the lexical best dense_pool are fused, the others keep their lexical order after them, so the top k is
        always the head of the whole ranking."""
        if not dense.active(self, query := search.query.vector):
            return search.top(eligible, k)
        pool_size = self.settings.dense_pool
        pool = dense.fuse(self, query, search.top(eligible, pool_size))
        if k and k <= pool_size:
            return pool[:k]
        pooled = {item.index for item in pool}
        rest = [item for item in search.top(eligible, k) if item.index not in pooled]
        return (pool + rest)[: k or None]

    def _hits(self, query: Query, words: QueryVector, query_keywords: list[str], scored: list[Scored],
              capacity: str) -> list[Hit]:
        """Scored candidates as hits with their reasons."""
        for item in scored:
            entry = self.entries[item.index]
            matched = keyword_matches(query_keywords, entry.keywords, self.settings.keyword_cutoff)
            item.keywords = [(q, c) for q, c, _s in matched]
        shared = self.words.contributions(words, [item.best_unit for item in scored])
        return [self._hit(query, item, self.explaining([t for t, _v in terms]), capacity)
                for item, terms in zip(scored, shared, strict=True)]

    def explaining(self, terms: Iterable[str], limit: int = 6) -> list[str]:
        """The first `limit` terms that tell a reader something (text.telling, and not too common here)."""
        s = self.settings
        found = (t for t in terms if telling(t) and not self.words.common(t, s.reason_max_share, s.reason_min_units))
        return list(islice(found, limit))  # stop at the limit: a best unit shares dozens of terms

    def embeddings(self) -> np.ndarray:
        """The semantic vectors of all units, one row each."""
        return self._embedded[: self._embedded_rows]

    def set_embeddings(self, vectors: np.ndarray) -> None:
        """Take all units' semantic vectors (a saved index's may be a read-only map of its file)."""
        self._embedded, self._embedded_rows = vectors, len(vectors)

    def _append_embeddings(self, vectors: np.ndarray) -> None:
        """Add new units' vectors; the buffer grows by a quarter at a time, so additions rarely copy it."""
        needed = self._embedded_rows + len(vectors)
        if needed > len(self._embedded) or not self._embedded.flags.writeable:
            grown = np.empty((needed + needed // 4 + 16, vectors.shape[1]), dtype=np.float32)
            if self._embedded_rows:
                grown[: self._embedded_rows] = self.embeddings()
            self._embedded = grown
        self._embedded[self._embedded_rows:needed] = vectors
        self._embedded_rows = needed

    def arrays(self) -> dict[str, np.ndarray]:
        """Per-candidate and per-unit columns for vectorised filtering, extended by the candidates added since."""
        built = len(self._arrays["alive"]) if self._arrays is not None else 0
        if self._arrays is None or built < len(self.entries):
            more = self._columns(built)
            columns = more if self._arrays is None else {
                name: np.concatenate([self._arrays[name], values]) for name, values in more.items()}
            owner = columns["owner"]
            columns["later_unit"] = np.flatnonzero(np.arange(len(owner)) != columns["first_unit"][owner])
            columns["later_owner"] = owner[columns["later_unit"]]
            self._arrays = columns
        return self._arrays

    def _columns(self, first: int) -> dict[str, np.ndarray]:
        """The columns of the candidates from index `first` on, and of their units."""
        entries = self.entries[first:]
        records = [e.record for e in entries]
        kind, org, region = self._codes["kind"], self._codes["org"], self._codes["region"]
        first_unit = entries[0].units[0] if entries else len(self.unit_owner)
        return {
            "alive": np.array([e.alive for e in entries], dtype=bool),
            "kind": np.array([kind.setdefault(r.kind, len(kind)) for r in records], dtype=np.int64),
            "org": np.array([org.setdefault(r.org, len(org)) if r.org else -1 for r in records], dtype=np.int64),
            "full": np.array([_full(r) for r in records], dtype=bool),
            "region": np.array([region.setdefault(r.region, len(region)) if r.region else -1 for r in records],
                               dtype=np.int64),
            "conflicted": np.array([bool(r.conflicts) for r in records], dtype=bool),
            "owner": np.asarray(self.unit_owner[first_unit:], dtype=np.int64),
            "weight": np.asarray(self.unit_weight[first_unit:], dtype=np.float64),
            "first_unit": np.array([e.units[0] for e in entries], dtype=np.int64),  # units are contiguous
            "unit_count": np.array([len(e.units) for e in entries], dtype=np.int64),  # and at least one
        }

    def region_code(self, region: str) -> int:
        """The code of a region in arrays()["region"] (-2 for a region no candidate has)."""
        self.arrays()
        return self._codes["region"].get(region, -2)

    def _eligible(self, query: Query, kinds: set[str] | None, exclude: set[str], capacity: str) -> np.ndarray:
        """Which candidates may be proposed: live, of the kinds asked, free of conflicts (and capacity)."""
        columns = self.arrays()
        mask = columns["alive"].copy()
        if kinds is not None:
            codes = [self._codes["kind"][k] for k in kinds if k in self._codes["kind"]]
            mask &= np.isin(columns["kind"], codes)
        if query.org and query.org in self._codes["org"]:
            mask &= columns["org"] != self._codes["org"][query.org]
        if capacity == "exclude":
            mask &= ~columns["full"]
        for candidate_id in exclude | set(query.conflicts):
            if candidate_id in self.index_of:
                mask[self.index_of[candidate_id]] = False
        for index in np.flatnonzero(columns["conflicted"] & mask):
            conflicts = self.entries[index].record.conflicts
            if query.id in conflicts or (query.org and query.org in conflicts):
                mask[index] = False
        return mask

    def _hit(self, query: Query, item: Scored, terms: list[str], capacity: str) -> Hit:
        candidate = self.entries[item.index].record
        return Hit(candidate.id, item.score, tuple(self._reasons(query, item, terms, capacity)))

    def _reasons(self, query: Query, item: Scored, terms: list[str], capacity: str) -> list[Reason]:
        """What a manager reads: shared terms, matched keywords, best document, region, load."""
        candidate = self.entries[item.index].record
        reasons = []
        if terms:
            reasons.append(Reason("terms", terms=tuple(terms)))
        if item.keywords:
            reasons.append(keyword_reason(item.keywords))
        title = self.unit_title[item.best_unit]
        if title:
            reasons.append(Reason("document", title=title))
        if item.fused:
            closest = self.unit_title[item.dense_unit] if item.dense_unit is not None else None
            reasons.append(Reason("topic", title=closest if closest and closest != title else ""))
        elif item.fused is False:
            reasons.append(Reason("lexical"))
        if query.region and query.region == candidate.region:
            reasons.append(Reason("region", region=candidate.region))
        if capacity == "mark" and _full(candidate):
            reasons.append(Reason("capacity", load=candidate.load, capacity=candidate.capacity))
        return reasons

    # --- the other direction ------------------------------------------------------------------

    def rank_queries(self, candidate: Candidate, queries: Iterable[Query], k: int = 20) -> list[QueryHit]:
        """The best k queries (challenges) for one candidate, on the same scale as rank()."""
        return rank_queries(self, candidate, queries, k)


def _slim(candidate: Candidate) -> Candidate:
    """What the index keeps of a candidate once analysed: no texts or documents (units keep their titles)."""
    return dataclasses.replace(candidate, text="", documents=())


def _full(candidate: Candidate) -> bool:
    return candidate.capacity is not None and candidate.load >= candidate.capacity


def _year(date: str | None) -> float | None:
    if not date:
        return None
    try:
        parts = [int(p) for p in str(date)[:10].split("-")]
    except ValueError:
        return None
    return parts[0] + ((parts[1] - 1) / 12 if len(parts) > 1 else 0.0)


