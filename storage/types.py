"""Column types that keep core's values exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from core.rules.audit_chain import canonical_json


class StrEnumType(TypeDecorator[StrEnum]):
    """A StrEnum stored as its value in a VARCHAR (no native enum: migrations stay simple)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum_cls(value)


class StrEnumList(TypeDecorator[list[StrEnum]]):
    """A list of StrEnum values stored as "a,b,c"."""

    impl = String(200)
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return ",".join(self.enum_cls(v).value for v in value)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[StrEnum] | None:
        if value is None:
            return None
        return [self.enum_cls(v) for v in value.split(",") if v]


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        utc: dt.datetime = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


class CanonicalJSON(TypeDecorator[Any]):
    """JSON kept as canonical text: the bytes hashed by the audit chain are the bytes stored."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else canonical_json(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)
