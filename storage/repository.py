"""One generic repository over the classical mapping; see core.ports.Repository."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


class SqlRepository(Generic[T]):
    def __init__(self, session: AsyncSession, kind: type[T]) -> None:
        self.session = session
        self.kind = kind

    async def get(self, entity_id: int) -> T | None:
        return await self.session.get(self.kind, entity_id)

    async def add(self, item: T) -> T:
        self.session.add(item)
        return item

    async def delete(self, item: T) -> None:
        await self.session.delete(item)

    async def find(self, **equal_to: Any) -> Sequence[T]:
        query = select(self.kind).filter_by(**equal_to).order_by(self.kind.id)  # type: ignore[attr-defined]
        return (await self.session.scalars(query)).all()

    async def first(self, **equal_to: Any) -> T | None:
        query = select(self.kind).filter_by(**equal_to).order_by(self.kind.id).limit(1)  # type: ignore[attr-defined]
        return (await self.session.scalars(query)).first()
