"""Text normalisation and tokenisation for Chinese, English and mixed technical text."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# An ASCII run: words, numbers and model numbers with inner hyphens, dots or plus signs
# (GaN, 5G, Ti-6Al-4V, CRISPR-Cas9, C++, 3.5).
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:[\-\.\+][a-z0-9]+)*\+*")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_SPLIT = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff]+)")

STOP_WORDS_ZH = frozenset(
    "的 了 和 与 及 或 等 在 是 对 为 以 于 中 上 下 由 将 把 被 从 其 该 这 那 并 而 也 "
    "有 无 可 能 会 要 就 都 又 还 之 所 一种 一个 我们 本文 研究 进行 通过 基于 采用 "
    "利用 提出 具有 方法 相关 以及 如何 需要 实现 问题 目前 主要 结果 表明 分析".split()
)
STOP_WORDS_EN = frozenset(
    "a an the and or of to in on for with by from at as is are was were be been being "
    "this that these those it its we our you your their they can could will would should "
    "may might not no into than then there here which who whom what when where how why "
    "also such using based via per about over under between within".split()
)


def normalise(text: str) -> str:
    """Fold full-width forms to half-width (NFKC) and lower-case."""
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str, for_search: bool = False) -> list[str]:
    """Split text into words: jieba for Chinese runs, intact ASCII terms, no stop words."""
    return [token for token in _tokens(normalise(text), for_search) if not _is_stop(token)]


def _tokens(text: str, for_search: bool) -> Iterator[str]:
    for piece in _SPLIT.split(text):
        if not piece:
            continue
        if _HAN_RUN.fullmatch(piece):
            yield from _cut(piece, for_search)
        else:
            yield from _ASCII_TOKEN.findall(piece)


@lru_cache(maxsize=65536)
def _cut(run: str, for_search: bool) -> tuple[str, ...]:
    words = jieba.cut_for_search(run) if for_search else jieba.cut(run)
    return tuple(word for word in words if word.strip())


def _is_stop(token: str) -> bool:
    return token in STOP_WORDS_ZH or token in STOP_WORDS_EN
