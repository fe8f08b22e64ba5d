"""Tokenisation of Chinese, English and mixed technical text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import normalise, tokenize
from matching.text import STOP_WORDS_EN
from tests.budget import examples


def test_mixed_chinese_and_english():
    """Does mixed text keep English words and segment the Chinese around them?"""
    assert tokenize("基于Transformer的缺陷检测") == ["transformer", "缺陷", "检测"]


def test_model_numbers_stay_whole():
    """Are model numbers and gene names kept as one term?"""
    tokens = tokenize("Ti-6Al-4V 钛合金, CRISPR-Cas9 编辑, GaN 器件, 5G 基站, C++ 代码")
    for term in ("ti-6al-4v", "crispr-cas9", "gan", "5g", "c++"):
        assert term in tokens


def test_full_width_is_folded():
    """Are full-width letters and digits folded to half-width?"""
    assert tokenize("ＧａＮ　５Ｇ") == ["gan", "5g"]
    assert normalise("ＡＢＣ１２３") == "abc123"


def test_stop_words_are_dropped():
    """Are stop words of both languages dropped?"""
    assert tokenize("the design of a reducer") == ["design", "reducer"]
    assert "的" not in tokenize("减速器的设计")


def test_search_mode_adds_sub_words():
    """Does search mode add the shorter words inside long ones?"""
    assert {"锂离子", "离子", "电池"} <= set(tokenize("锂离子电池", for_search=True))


@given(st.text(max_size=300))
@settings(max_examples=examples(200), deadline=None)
def test_any_text_gives_clean_tokens(text):
    """Does any text, emoji and control characters included, give non-empty lower-case tokens?"""
    tokens = tokenize(text)
    assert all(token and token == token.strip() and token == normalise(token) for token in tokens)
    assert tokenize(text) == tokens


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=50),
       st.from_regex(r"[A-Za-z][A-Za-z0-9]{1,8}", fullmatch=True))
@settings(max_examples=examples(100), deadline=None)
def test_english_words_survive_any_chinese_around_them(han, word):
    """Is an English word found whatever Chinese surrounds it?"""
    if word.lower() in STOP_WORDS_EN:
        return
    assert word.lower() in tokenize(f"{han}{word}{han}")


def test_empty_and_emoji_only():
    """Do empty text and emoji give no tokens?"""
    assert tokenize("") == []
    assert tokenize("🚀🔥 ！！") == []


def test_large_text():
    """Does a 100 kB text tokenise?"""
    text = "碳化硅功率器件栅氧可靠性 SiC MOSFET threshold drift。" * 2500
    assert len(text.encode()) > 100_000
    tokens = tokenize(text)
    assert tokens.count("sic") == 2500
