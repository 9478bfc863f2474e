"""What core needs from the outside world: storage behind a unit of work, and a clock.

storage/ implements these; tests may use the real implementation on a SQLite file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from core.model.grading import WorkType
    from core.model.groups import GroupMembership, SchoolClass, StudyGroup
    from core.model.journal import Lesson, PeriodLock
    from core.model.people import Student
    from core.model.school import School, StudyPeriod, Subject
    from core.services.reports.source import ReportSource

T = TypeVar("T")

# a lesson with its school, group, the group's class, subject and a work type (lesson_setting)
LessonSetting = tuple[
    "Lesson",
    "School",
    "StudyGroup | None",
    "SchoolClass | None",
    "Subject | None",
    "WorkType | None",
]


class Repository(Protocol[T]):
    """Storage of one kind of entity, always inside the current unit of work."""

    async def get(self, entity_id: int) -> T | None: ...

    async def get_many(self, entity_ids: Collection[int]) -> Sequence[T]:
        """The entities of these ids that exist, in id order: one query, not one per id."""
        ...

    async def add(self, item: T) -> T:
        """Stage a new entity; its id is assigned by the next flush."""
        ...

    async def delete(self, item: T) -> None: ...

    async def find(self, **equal_to: Any) -> Sequence[T]:
        """Entities whose attributes equal the given values, in id order."""
        ...

    async def first(self, **equal_to: Any) -> T | None: ...


class UnitOfWork(Protocol):
    """One business transaction: repositories, pending audit entries, commit or nothing."""

    def repo(self, kind: type[T]) -> Repository[T]: ...

    @property
    def reports(self) -> ReportSource:
        """Read-only queries of the reports (core.services.reports.source)."""
        ...

    async def lesson_setting(
        self, lesson_id: int, work_type_id: int | None = None
    ) -> LessonSetting | None:
        """A lesson with its school, its group, the group's class, its subject and the work type
        of this id when it is the school's, in one read: every mark tapped needs all six. None
        when there is no such lesson."""
        ...

    async def group_members(self, group_id: int) -> Sequence[tuple[GroupMembership, Student]]:
        """Every membership of the group, with its student, in one read, in membership order."""
        ...

    async def periods_with_locks(
        self, lesson: Lesson
    ) -> Sequence[tuple[StudyPeriod, PeriodLock | None]]:
        """The study periods of the lesson's school year, each with every lock of the lesson's
        group and subject in it (None: no lock), in one read, in period order."""
        ...

    def record_audit(
        self,
        *,
        school_id: int,
        actor: str,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Queue an audit entry; it is chained and written by commit, in the same transaction."""
        ...

    async def flush(self) -> None:
        """Send staged changes so that new entities get their ids; nothing is committed."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FrozenClock:
    """A clock for tests and imports that must see one instant."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.at = at

    def now(self) -> dt.datetime:
        return self.at
