"""The engine's analyzer: words (jieba with a domain dictionary) and character bigrams."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import jieba

from matching.text import ASCII_TERM, HAN_RUN, is_stop, normalise, runs

MIN_TERM, MAX_TERM = 2, 12
CACHE_PIECES = 200_000  # analysed runs kept (bounded memory)
T = TypeVar("T")
V = TypeVar("V")


def domain_terms(phrases: Iterable[str]) -> list[str]:
    """Chinese technical terms worth keeping whole: keyword phrases of 2–12 Han characters."""
    terms = set()
    for phrase in set(phrases):  # keywords repeat across candidates: normalise each once
        text = normalise(phrase).strip()
        if MIN_TERM <= len(text) <= MAX_TERM and HAN_RUN.fullmatch(text):
            terms.add(text)
    return sorted(terms)


class Analyzer:
    """Turns text into weighted word terms and character-bigram terms, deterministically."""

    def __init__(self, dictionary: Iterable[str] = ()) -> None:
        self.dictionary = sorted(set(dictionary))
        self._tokenizer = _tokenizer_with(self.dictionary)
        self._cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def normalise_keyword(self, keyword: str) -> str:
        """A keyword as compared: normalised, trimmed, inner white space folded."""
        return " ".join(normalise(keyword).split())

    def bag(self, weighted_texts: Iterable[tuple[str, float]]) -> tuple[Counter, Counter]:
        """Weighted term counts of several fields (title ×2, body ×1 …) for both channels."""
        words: Counter = Counter()
        chars: Counter = Counter()
        for text, weight in weighted_texts:
            if text:
                field_words, field_chars = self.terms(text)
                _add(words, field_words, weight)
                _add(chars, field_chars, weight)
        return words, chars

    def terms(self, text: str) -> tuple[list[str], list[str]]:
        """Both channels' terms of a text, in order, a cached piece at a time (pieces repeat a lot)."""
        return gather(text, self.piece_terms)

    def piece_terms(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """One piece's terms (see split_runs), cached."""
        return remember(self._cache, piece, self._piece_terms)

    def _piece_terms(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Jieba words and Han bigrams of a Han run, or its ASCII terms for both channels."""
        if not HAN_RUN.fullmatch(piece):
            terms = tuple(t for t in ASCII_TERM.findall(piece) if not is_stop(t))
            return terms, terms
        words = tuple(w for w in self._tokenizer.cut(piece) if w.strip() and not is_stop(w))
        chars = (piece,) if len(piece) == 1 else tuple(map(operator.add, piece[:-1], piece[1:]))
        return words, chars


def remember(cache: dict[str, V], key: str, compute: Callable[[str], V]) -> V:
    """cache[key], computed on first use; the cache stops growing at CACHE_PIECES entries."""
    found = cache.get(key)
    if found is None:
        found = compute(key)
        if len(cache) < CACHE_PIECES:
            cache[key] = found
    return found


def gather(text: str, lookup: Callable[[str], tuple[Sequence[T], Sequence[T]]]) -> tuple[list[T], list[T]]:
    """Both channels' terms (or term ids) of a text: each piece's pair from `lookup`, concatenated."""
    words: list[T] = []
    chars: list[T] = []
    for piece in split_runs(text):
        found = lookup(piece)
        words.extend(found[0])
        chars.extend(found[1])
    return words, chars


def split_runs(text: str) -> list[str]:
    """Text normalised, then split into runs (see matching.text.runs)."""
    return runs(normalise(text))


def _add(total: Counter, terms: list[str], weight: float) -> None:
    if weight == 1.0:
        total.update(terms)
    else:
        total.update({term: count * weight for term, count in Counter(terms).items()})


def _tokenizer_with(words: list[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer: the default dictionary plus `words`, leaving jieba's global alone."""
    base = jieba.dt
    base.check_initialized()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(base.FREQ), base.total, True
    for word in words:
        tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word, False), 3))
    return tokenizer
