"""One generic repository over the classical mapping; see core.ports.Repository."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Integer, SmallInteger, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
_IN_CHUNK = 1_000
_LIMITS: dict[tuple[type, str], int | None] = {}  # (entity, attribute) → its column's bound


def _bound(column_type: Any) -> int:
    if isinstance(column_type, BigInteger):
        return 2**63
    if isinstance(column_type, SmallInteger):
        return 2**15
    if isinstance(column_type, Integer):
        return 2**31
    return 2**63  # no database binds a larger integer


class SqlRepository(Generic[T]):
    def __init__(self, session: AsyncSession, kind: type[T]) -> None:
        self.session = session
        self.kind = kind

    def fits(self, name: str, value: Any) -> bool:
        """Whether the column could hold the value. An id from a forged button may be any
        integer; one out of the column's range is no row's, and the driver would fail on it."""
        if isinstance(value, bool) or not isinstance(value, int):
            return True
        key = (self.kind, name)
        if key not in _LIMITS:  # the mapping is fixed: looked up once per attribute, not value
            prop = inspect(self.kind).attrs.get(name)
            columns = getattr(prop, "columns", None)
            _LIMITS[key] = _bound(columns[0].type) if columns else None
        limit = _LIMITS[key]
        return limit is None or -limit <= value < limit

    async def get(self, entity_id: int) -> T | None:
        if not self.fits("id", entity_id):
            return None
        return await self.session.get(self.kind, entity_id)

    async def get_many(self, entity_ids: Collection[int]) -> Sequence[T]:
        ids = sorted({i for i in entity_ids if self.fits("id", i)})
        found: list[T] = []
        for start in range(0, len(ids), _IN_CHUNK):  # a driver caps the parameters of a query
            chunk = ids[start : start + _IN_CHUNK]
            query = select(self.kind).where(self.kind.id.in_(chunk)).order_by(self.kind.id)  # type: ignore[attr-defined]
            found.extend((await self.session.scalars(query)).all())
        return found

    async def add(self, item: T) -> T:
        self.session.add(item)
        return item

    async def delete(self, item: T) -> None:
        await self.session.delete(item)

    async def find(self, **equal_to: Any) -> Sequence[T]:
        if not all(self.fits(name, value) for name, value in equal_to.items()):
            return []
        query = select(self.kind).filter_by(**equal_to).order_by(self.kind.id)  # type: ignore[attr-defined]
        return (await self.session.scalars(query)).all()

    async def first(self, **equal_to: Any) -> T | None:
        if not all(self.fits(name, value) for name, value in equal_to.items()):
            return None
        query = select(self.kind).filter_by(**equal_to).order_by(self.kind.id).limit(1)  # type: ignore[attr-defined]
        return (await self.session.scalars(query)).first()
