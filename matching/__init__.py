"""Jiebang's matching engine: plain records in, ranked records out (no Flask, no SQL)."""

from matching.engine import ENGINE_VERSION, Matcher
from matching.records import Candidate, Document, Hit, Query, QueryHit, Reason
from matching.settings import Settings
from matching.text import normalise, tokenize

__all__ = ["ENGINE_VERSION", "Candidate", "Document", "Hit", "Matcher", "Query", "QueryHit", "Reason", "Settings",
           "normalise", "tokenize"]
