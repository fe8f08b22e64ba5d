"""Jiebang's matching engine: plain records in, ranked records out (no Flask, no SQL)."""

from matching.records import Candidate, Document, Hit, Query
from matching.text import normalise, tokenize

__all__ = ["Candidate", "Document", "Hit", "Query", "normalise", "tokenize"]
