"""Classical mapping: core's plain dataclasses are persisted as they are (cosmicpython style),
so that core imports nothing of SQLAlchemy and there is no second copy of every entity."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import registry

from core.events import OutboxEvent
from core.model.audit import AuditEntry
from core.model.compromise import AuditFlag, Compromise
from core.model.grading import WorkType
from core.model.groups import GroupMembership, SchoolClass, StudyGroup, TeachingLoad
from core.model.identity import AccessCode, BotUser, CodeAttempt, ConsentRecord, TelegramBinding
from core.model.journal import (
    Absence,
    FinalMark,
    Homework,
    Lesson,
    Mark,
    PeriodLock,
    TeacherMessage,
)
from core.model.notices import (
    GuardianReply,
    Notice,
    NoticePreference,
    ReminderSent,
    UnreachableChat,
)
from core.model.people import Guardian, GuardianLink, StaffMember, Student, StudentMovement
from core.model.school import (
    AcademicYear,
    Bell,
    BellSchedule,
    Holiday,
    Room,
    School,
    StudyPeriod,
    Subject,
)
from core.model.timetable import ControlWork, ThematicTopic, TimetableEntry
from storage import tables as t

mapper_registry = registry(metadata=t.metadata)

TABLE_OF: dict[type, Table] = {
    School: t.schools,
    AcademicYear: t.academic_years,
    StudyPeriod: t.study_periods,
    Holiday: t.holidays,
    Subject: t.subjects,
    Room: t.rooms,
    BellSchedule: t.bell_schedules,
    Bell: t.bells,
    StaffMember: t.staff_members,
    Student: t.students,
    Guardian: t.guardians,
    GuardianLink: t.guardian_links,
    StudentMovement: t.student_movements,
    SchoolClass: t.school_classes,
    StudyGroup: t.study_groups,
    GroupMembership: t.group_memberships,
    TeachingLoad: t.teaching_loads,
    TimetableEntry: t.timetable_entries,
    ThematicTopic: t.thematic_topics,
    ControlWork: t.control_works,
    WorkType: t.work_types,
    AuditEntry: t.audit_entries,
    AccessCode: t.access_codes,
    TelegramBinding: t.telegram_bindings,
    CodeAttempt: t.code_attempts,
    BotUser: t.bot_users,
    ConsentRecord: t.consent_records,
    Lesson: t.lessons,
    Absence: t.absences,
    Mark: t.marks,
    Homework: t.homework,
    FinalMark: t.final_marks,
    PeriodLock: t.period_locks,
    TeacherMessage: t.teacher_messages,
    OutboxEvent: t.outbox_events,
    Notice: t.notices,
    NoticePreference: t.notice_preferences,
    UnreachableChat: t.unreachable_chats,
    Compromise: t.compromises,
    AuditFlag: t.audit_flags,
    ReminderSent: t.reminders_sent,
    GuardianReply: t.guardian_replies,
}

VERSIONED: frozenset[type] = frozenset({Lesson, Mark, FinalMark, Notice})

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    for cls, table in TABLE_OF.items():
        if cls in VERSIONED:
            # optimistic locking: an UPDATE also requires the version it read; core bumps the
            # number itself, SQLAlchemy only checks it (a lost race raises StaleDataError)
            mapper_registry.map_imperatively(
                cls, table, version_id_col=table.c.version, version_id_generator=False
            )
        else:
            mapper_registry.map_imperatively(cls, table)
    _mapped = True
