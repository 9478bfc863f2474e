"""Work types with their weights for the weighted average."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(kw_only=True, eq=False)
class WorkType:
    id: int | None = None
    school_id: int
    name: str  # «Ответ на уроке»
    weight: float = 1.0
    control: bool = False  # marks of control works have the 3-day deadline
    written: bool = False  # written works have the one-week deadline
