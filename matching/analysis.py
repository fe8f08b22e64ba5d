"""The engine's analyzer: words (jieba with a domain dictionary) and character bigrams."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import jieba

from matching.text import ASCII_TERM, HAN_RUN, is_stop, normalise, pieces

MIN_TERM, MAX_TERM = 2, 12


def domain_terms(phrases: Iterable[str]) -> list[str]:
    """Chinese technical terms worth keeping whole: keyword phrases of 2–12 Han characters."""
    terms = set()
    for phrase in phrases:
        text = normalise(phrase).strip()
        if MIN_TERM <= len(text) <= MAX_TERM and HAN_RUN.fullmatch(text):
            terms.add(text)
    return sorted(terms)


class Analyzer:
    """Turns text into weighted word terms and character-bigram terms, deterministically."""

    def __init__(self, dictionary: Iterable[str] = ()) -> None:
        self.dictionary = sorted(set(dictionary))
        self._tokenizer = _tokenizer_with(self.dictionary)
        self._cache: dict[str, tuple[str, ...]] = {}

    def words(self, text: str) -> list[str]:
        """Word terms: jieba words for Chinese runs, whole ASCII terms; no stop words."""
        return self._words(list(pieces(normalise(text))))

    def chars(self, text: str) -> list[str]:
        """Character terms: Han bigrams (a lone character stays itself) and whole ASCII terms."""
        return self._chars(list(pieces(normalise(text))))

    def _words(self, runs: list[tuple[bool, str]]) -> list[str]:
        out: list[str] = []
        for chinese, piece in runs:
            out.extend(self._cut(piece) if chinese else ASCII_TERM.findall(piece))
        return [term for term in out if not is_stop(term)]

    def _chars(self, runs: list[tuple[bool, str]]) -> list[str]:
        out: list[str] = []
        for chinese, piece in runs:
            if not chinese:
                out.extend(term for term in ASCII_TERM.findall(piece) if not is_stop(term))
            elif len(piece) == 1:
                out.append(piece)
            else:
                out.extend(piece[i:i + 2] for i in range(len(piece) - 1))
        return out

    def normalise_keyword(self, keyword: str) -> str:
        """A keyword as compared: normalised, trimmed, inner white space folded."""
        return " ".join(normalise(keyword).split())

    def bag(self, weighted_texts: Iterable[tuple[str, float]]) -> tuple[Counter, Counter]:
        """Weighted term counts of several fields (title ×2, body ×1 …) for both channels."""
        words: Counter = Counter()
        chars: Counter = Counter()
        for text, weight in weighted_texts:
            if not text:
                continue
            runs = list(pieces(normalise(text)))
            _add(words, Counter(self._words(runs)), weight)
            _add(chars, Counter(self._chars(runs)), weight)
        return words, chars

    def _cut(self, run: str) -> tuple[str, ...]:
        cached = self._cache.get(run)
        if cached is None:
            cached = tuple(w for w in self._tokenizer.cut(run) if w.strip())
            if len(self._cache) < 200_000:
                self._cache[run] = cached
        return cached


def _add(total: Counter, counts: Counter, weight: float) -> None:
    if weight == 1.0:
        total.update(counts)
    else:
        total.update({term: count * weight for term, count in counts.items()})


def _tokenizer_with(words: list[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer: the default dictionary plus `words`, leaving jieba's global alone."""
    base = jieba.dt
    base.check_initialized()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(base.FREQ), base.total, True
    for word in words:
        tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word, False), 3))
    return tokenizer
