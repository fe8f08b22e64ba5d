"""Shared vocabulary: timestamps, fields and regions of the product."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Enum as SAEnum
from sqlmodel import SQLModel

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Current time, timezone-aware UTC (SQLModel stores datetimes as UTC)."""
    return datetime.now(UTC)


def today() -> date:
    """Today in China, whatever the server's time zone: the day deadlines close, milestones fall due, dispatches
    and blacklist entries run. A date a person typed means a day in China; `date.today()` would be the server's
    day, one day behind China from 16:00 to 24:00 UTC."""
    return datetime.now(CHINA).date()


class TechField(StrEnum):
    """Technology fields a challenge is filed under."""

    XINCHUANG = "xinchuang"
    SEMICONDUCTOR = "semiconductor"
    SMART_MANUFACTURING = "smart_manufacturing"
    SMART_MOBILITY = "smart_mobility"
    BIOMEDICINE = "biomedicine"
    NEW_ENERGY = "new_energy"
    NEW_MATERIALS = "new_materials"
    IOT = "iot"
    SYNTHETIC_BIOLOGY = "synthetic_biology"
    TCM = "tcm"
    AI = "ai"
    OTHER = "other"


FIELD_LABELS: dict[str, tuple[str, str]] = {
    "xinchuang": ("信创", "IT innovation (Xinchuang)"),
    "semiconductor": ("半导体", "Semiconductors"),
    "smart_manufacturing": ("智能制造", "Smart manufacturing"),
    "smart_mobility": ("智慧出行", "Smart mobility"),
    "biomedicine": ("生物医药", "Biomedicine"),
    "new_energy": ("新能源", "New energy"),
    "new_materials": ("新材料", "New materials"),
    "iot": ("物联网", "Internet of Things"),
    "synthetic_biology": ("合成生物", "Synthetic biology"),
    "tcm": ("中医药", "Traditional Chinese medicine"),
    "ai": ("人工智能", "Artificial intelligence"),
    "other": ("其他", "Other"),
}


class Region(StrEnum):
    """Regions served (京津冀 first)."""

    BEIJING = "beijing"
    TIANJIN = "tianjin"
    HEBEI = "hebei"
    OTHER = "other"


REGION_LABELS: dict[str, tuple[str, str]] = {
    "beijing": ("北京", "Beijing"),
    "tianjin": ("天津", "Tianjin"),
    "hebei": ("河北", "Hebei"),
    "other": ("其他地区", "Other regions"),
}


def enum_type(enum_cls: type[StrEnum]) -> SAEnum:
    """Store an enum by its value as a portable VARCHAR (no native PostgreSQL type to migrate)."""
    return SAEnum(
        enum_cls, native_enum=False, length=32, create_constraint=False,
        values_callable=lambda cls: [member.value for member in cls],
    )


class ReasonRead(SQLModel):
    """Why the engine matched (matching.Reason as data; the pages word it in the reader's language): `kind` is
    terms (`terms`), keywords (`pairs` of query keyword and matched candidate keyword), document (`title` of the
    best-matching document), region (`region` code) or capacity (`load` of `capacity`; capacity 0: not taking
    new work)."""

    kind: str
    terms: list[str] = []
    pairs: list[list[str]] = []
    title: str = ""
    region: str = ""
    load: int | None = None
    capacity: int | None = None
