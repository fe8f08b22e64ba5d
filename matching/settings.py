"""The engine's tunable weights, chosen by measurement (see matching/README.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Settings:
    """Weights of fields, channels, aggregation and bounded boosts."""

    title_weight: float = 2.0  # query title and document titles
    keyword_weight: float = 2.0  # keywords of either side
    text_weight: float = 1.0  # body text
    word_share: float = 0.2  # word channel vs character-bigram channel in the lexical score (README: 0.2 keeps
    # MRR where 0.0 loses some, with nearly all of 0.0's NDCG gain over 0.4)
    semantic_share: float = 0.15  # latent semantic channel (TruncatedSVD) in the unit score
    semantic_dims: int = 100
    semantic_iterations: int = 7  # power iterations of the randomized SVD: 3 → 0.738, 5 → 0.744, 7 → 0.747 NDCG
    semantic_sample: int = 20_000  # units the semantic model learns from (a deterministic sample)
    top_k: int = 3  # documents averaged with the best one
    mean_share: float = 0.3  # weight of that mean against the best document
    recency_floor: float = 0.6  # weight of a candidate's oldest work relative to its newest
    recency_half_life: float = 6.0  # years
    keyword_boost: float = 0.0  # score boost for fuzzy keyword matches: measured no gain, so off (reasons only)
    keyword_cutoff: float = 75.0  # rapidfuzz ratio for two keywords to match (锂电池 ~ 锂离子电池)
    region_boost: float = 0.1  # bounded: adds at most region_boost / 4
    min_pool: int = 50
    # Reasons show a shared term only if it tells something: not a stop word or lone function character
    # (text.telling), and — once the corpus has reason_min_units units to judge by — in at most
    # reason_max_share of them (企业 and 技术 are in 28–30 % of the demo's units, 电池 in 4 %).
    reason_max_share: float = 0.05
    reason_min_units: int = 1000
    # Match strength bands (matching/bands.py), calibrated on the profiles evaluation set by
    # `python -m matching calibrate`: below 0.10 about 1 hit in 10 works on the topic (the base rate), from
    # 0.10 up 35 %, from 0.20 up 82 %.
    band_fair: float = 0.10
    band_strong: float = 0.20
    # Document embeddings fused at rank time (matching/dense.py), measured on the topic-level dev set by
    # `make eval-embeddings`: the lexical best dense_pool re-scored as 0.7 × lexical + 0.3 × semantic, semantic
    # being the embedding score of centred vectors (0: no more alike than two typical texts, long or short)
    # rescaled from dense_floor to dense_ceiling (≈ the 90th percentile of same-discipline pairs).
    # fused_fair / fused_strong are the fused values calibrated to the bands above (same shares relevant).
    dense_share: float = 0.3
    dense_floor: float = 0.0
    dense_ceiling: float = 0.35
    dense_pool: int = 200
    fused_fair: float = 0.25
    fused_strong: float = 0.40

    def to_dict(self) -> dict:
        """Plain values for saving."""
        return asdict(self)
