"""One demo topic: a real technical problem and the people and results around it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class Topic:
    """A challenge with the research directions, papers and achievement that answer it."""

    field: str
    title: str
    summary: str
    description: str
    keywords_csv: str
    confidential: str
    directions: list[str]
    papers: list[str]
    achievement_title: str
    achievement_abstract: str

    @property
    def keywords(self) -> list[str]:
        """The topic's keywords."""
        return self.keywords_csv.split(",")
