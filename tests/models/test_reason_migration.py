"""Migration 0022 reads every reason stored as "kind: value" text into the structure the engine now emits."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from matching import Reason

MIGRATION = Path(__file__).resolve().parents[2] / "models" / "migrations" / "versions" / "0022_structured_reasons.py"


@pytest.fixture(scope="module")
def parsed():
    spec = importlib.util.spec_from_file_location("structured_reasons", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.parsed


@pytest.mark.parametrize("text,reason", [
    ("terms: 电解液, 析锂", Reason("terms", terms=("电解液", "析锂"))),
    ("keywords: 锂电池≈锂离子电池, 低温", Reason("keywords", pairs=(("锂电池", "锂离子电池"), ("低温", "低温")))),
    ("document: 低温电解液: 研究", Reason("document", title="低温电解液: 研究")),
    ("region: tianjin", Reason("region", region="tianjin")),
    ("capacity: full (2/3)", Reason("capacity", load=2, capacity=3)),
    ("capacity: unavailable", Reason("capacity", load=0, capacity=0)),
])
def test_each_legacy_reason_reads_as_the_engine_would_emit_it(parsed, text, reason):
    assert Reason.from_dict(parsed(text)) == reason
    assert parsed(text) == reason.as_dict() | ({"pairs": [list(p) for p in reason.pairs]} if reason.pairs else {})
