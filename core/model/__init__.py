"""The school's domain model: plain dataclasses and enums, no I/O.

Every school-scoped entity carries ``school_id``; ids are assigned by storage (``None`` until the
unit of work flushes). Dataclasses are keyword-only so that new fields never depend on order.
"""
