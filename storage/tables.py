"""The database tables. Every school-scoped table has school_id; see DESIGN.md."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)

from core.events import EventKind
from core.model.compromise import FlagState
from core.model.groups import GroupKind
from core.model.identity import ConsentAnswer, ConsentChannel, PersonKind, Role
from core.model.journal import AbsenceKind
from core.model.notices import DeliveryMode, NoticeStatus, NoticeTopic
from core.model.people import MovementKind, StaffRole
from core.model.school import CurriculumComponent, HolidayKind, PeriodKind
from core.model.timetable import ActivityKind, ControlForm
from storage.types import CanonicalJSON, StrEnumList, StrEnumType, UTCDateTime


class _KindList(StrEnumList):
    """A notice's event kinds: a digest may hold every kind, longer than StrEnumList's 200."""

    impl = Text  # type: ignore[assignment]
    cache_ok = True


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _school() -> Column[int]:
    return Column("school_id", ForeignKey("schools.id"), nullable=False, index=True)


def _year() -> Column[int]:
    return Column("year_id", ForeignKey("academic_years.id"), nullable=False, index=True)


NAME = String(100)

schools = Table(
    "schools",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    Column("consent_text", Text),
    Column("homework_hours", Float, nullable=False, server_default="1.5"),
    Column("control_marks_days", Integer, nullable=False, server_default="3"),
    Column("written_marks_days", Integer, nullable=False, server_default="7"),
)

academic_years = Table(
    "academic_years",
    metadata,
    _id(),
    _school(),
    Column("name", String(20), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    UniqueConstraint("school_id", "name"),
)

study_periods = Table(
    "study_periods",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("kind", StrEnumType(PeriodKind), nullable=False),
    Column("number", Integer, nullable=False),
    Column("grade_from", Integer, nullable=False),
    Column("grade_to", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
)

holidays = Table(
    "holidays",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("kind", StrEnumType(HolidayKind), nullable=False),
    Column("name", String(200), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("grade_from", Integer, nullable=False),
    Column("grade_to", Integer, nullable=False),
)

subjects = Table(
    "subjects",
    metadata,
    _id(),
    _school(),
    Column("name", String(200), nullable=False),
    Column("short_name", String(50), nullable=False),
    Column("component", StrEnumType(CurriculumComponent), nullable=False),
    Column("grading_scale", String(32), nullable=False),
    UniqueConstraint("school_id", "name"),
)

rooms = Table(
    "rooms",
    metadata,
    _id(),
    _school(),
    Column("name", String(50), nullable=False),
    Column("capacity", Integer),
    UniqueConstraint("school_id", "name"),
)

bell_schedules = Table(
    "bell_schedules",
    metadata,
    _id(),
    _school(),
    Column("name", String(100), nullable=False),
    UniqueConstraint("school_id", "name"),
)

bells = Table(
    "bells",
    metadata,
    _id(),
    _school(),
    Column("schedule_id", ForeignKey("bell_schedules.id"), nullable=False, index=True),
    Column("lesson_number", Integer, nullable=False),
    Column("starts_at", Time, nullable=False),
    Column("ends_at", Time, nullable=False),
    UniqueConstraint("schedule_id", "lesson_number"),
)

staff_members = Table(
    "staff_members",
    metadata,
    _id(),
    _school(),
    Column("last_name", NAME, nullable=False),
    Column("first_name", NAME, nullable=False),
    Column("middle_name", NAME),
    Column("position", String(200)),
    Column("roles", StrEnumList(StaffRole), nullable=False),
    Column("phone", String(32)),
    Column("active", Boolean, nullable=False),
)

students = Table(
    "students",
    metadata,
    _id(),
    _school(),
    Column("last_name", NAME, nullable=False),
    Column("first_name", NAME, nullable=False),
    Column("middle_name", NAME),
    Column("birth_date", Date),
    Column("file_number", String(50)),
    Column("individual_plan", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
)

guardians = Table(
    "guardians",
    metadata,
    _id(),
    _school(),
    Column("last_name", NAME, nullable=False),
    Column("first_name", NAME, nullable=False),
    Column("middle_name", NAME),
    Column("phone", String(32)),
    Column("email", String(200)),
)

guardian_links = Table(
    "guardian_links",
    metadata,
    _id(),
    _school(),
    Column("guardian_id", ForeignKey("guardians.id"), nullable=False, index=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("relation", String(50)),
    UniqueConstraint("guardian_id", "student_id"),
)

student_movements = Table(
    "student_movements",
    metadata,
    _id(),
    _school(),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("kind", StrEnumType(MovementKind), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("from_class_id", ForeignKey("school_classes.id")),
    Column("to_class_id", ForeignKey("school_classes.id")),
    Column("note", Text),
)

school_classes = Table(
    "school_classes",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("name", String(20), nullable=False),
    Column("grade", Integer, nullable=False),
    Column("class_teacher_id", ForeignKey("staff_members.id")),
    Column("days_per_week", Integer, nullable=False),
    Column("shift", Integer, nullable=False),
    Column("bell_schedule_id", ForeignKey("bell_schedules.id")),
    UniqueConstraint("year_id", "name"),
)

study_groups = Table(
    "study_groups",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("name", String(200), nullable=False),
    Column("kind", StrEnumType(GroupKind), nullable=False),
    Column("class_id", ForeignKey("school_classes.id"), index=True),
    Column("subject_id", ForeignKey("subjects.id")),
    UniqueConstraint("year_id", "name"),
)

group_memberships = Table(
    "group_memberships",
    metadata,
    _id(),
    _school(),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False, index=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
)

teaching_loads = Table(
    "teaching_loads",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("teacher_id", ForeignKey("staff_members.id"), nullable=False, index=True),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False, index=True),
    Column("hours_per_week", Float, nullable=False),
)

timetable_entries = Table(
    "timetable_entries",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False, index=True),
    Column("weekday", Integer, nullable=False),
    Column("lesson_number", Integer, nullable=False),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("teacher_id", ForeignKey("staff_members.id"), nullable=False, index=True),
    Column("room_id", ForeignKey("rooms.id")),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("kind", StrEnumType(ActivityKind), nullable=False),
)

thematic_topics = Table(
    "thematic_topics",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("hours", Float, nullable=False),
    Index("ix_thematic_topics_group_subject", "group_id", "subject_id", "position"),
)

control_works = Table(
    "control_works",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False, index=True),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("form", StrEnumType(ControlForm), nullable=False),
    Column("lesson_number", Integer),
    Column("topic", String(500)),
)

work_types = Table(
    "work_types",
    metadata,
    _id(),
    _school(),
    Column("name", String(100), nullable=False),
    Column("weight", Float, nullable=False),
    Column("control", Boolean, nullable=False),
    Column("written", Boolean, nullable=False),
    UniqueConstraint("school_id", "name"),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    _id(),
    _school(),
    Column("seq", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(100), nullable=False),
    Column("entity", String(100), nullable=False),
    Column("entity_id", Integer),
    Column("before", CanonicalJSON),
    Column("after", CanonicalJSON),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("school_id", "seq"),
    Index("ix_audit_entries_entity", "school_id", "entity", "entity_id"),
)

# The end of each school's chain: updating this row serialises writers of one school, and it
# reveals entries removed from the end of the chain.
audit_heads = Table(
    "audit_heads",
    metadata,
    Column("school_id", ForeignKey("schools.id"), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

access_codes = Table(
    "access_codes",
    metadata,
    _id(),
    _school(),
    Column("person_kind", StrEnumType(PersonKind), nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("issued_by", String(100), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("used_by", BigInteger),
    Column("revoked_at", UTCDateTime),
    Index("ix_access_codes_person", "school_id", "person_kind", "person_id"),
)

telegram_bindings = Table(
    "telegram_bindings",
    metadata,
    _id(),
    _school(),
    Column("telegram_user_id", BigInteger, nullable=False, index=True),
    Column("person_kind", StrEnumType(PersonKind), nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("code_id", ForeignKey("access_codes.id")),
    Column("bound_at", UTCDateTime, nullable=False),
    Column("unbound_at", UTCDateTime),
    Index("ix_telegram_bindings_person", "school_id", "person_kind", "person_id"),
)

code_attempts = Table(
    "code_attempts",
    metadata,
    _id(),
    Column("telegram_user_id", BigInteger, nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
)

bot_users = Table(
    "bot_users",
    metadata,
    _id(),
    Column("telegram_user_id", BigInteger, nullable=False, unique=True),
    Column("active_binding_id", ForeignKey("telegram_bindings.id")),
    Column("active_role", StrEnumType(Role)),
    Column("active_student_id", ForeignKey("students.id")),
)

consent_records = Table(
    "consent_records",
    metadata,
    _id(),
    _school(),
    Column("guardian_id", ForeignKey("guardians.id"), nullable=False, index=True),
    Column("answer", StrEnumType(ConsentAnswer), nullable=False),
    Column("channel", StrEnumType(ConsentChannel), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", String(100), nullable=False),
)

lessons = Table(
    "lessons",
    metadata,
    _id(),
    _school(),
    _year(),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("lesson_number", Integer, nullable=False),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("teacher_id", ForeignKey("staff_members.id"), nullable=False, index=True),
    Column("substitute_id", ForeignKey("staff_members.id"), index=True),
    Column("room_id", ForeignKey("rooms.id")),
    Column("kind", StrEnumType(ActivityKind), nullable=False),
    Column("entry_id", ForeignKey("timetable_entries.id", ondelete="SET NULL")),
    Column("topic", String(500)),
    Column("topic_id", ForeignKey("thematic_topics.id", ondelete="SET NULL")),
    Column("attendance_taken_at", UTCDateTime),
    Column("moved_from_date", Date),
    Column("moved_from_number", Integer),
    Column("cancelled", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("group_id", "on_date", "lesson_number"),
    Index("ix_lessons_school_date", "school_id", "on_date"),
)

absences = Table(
    "absences",
    metadata,
    _id(),
    _school(),
    Column("lesson_id", ForeignKey("lessons.id"), nullable=False),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("kind", StrEnumType(AbsenceKind), nullable=False),
    UniqueConstraint("lesson_id", "student_id"),
)

marks = Table(
    "marks",
    metadata,
    _id(),
    _school(),
    Column("lesson_id", ForeignKey("lessons.id"), nullable=False, index=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("work_type_id", ForeignKey("work_types.id"), nullable=False),
    Column("value", String(20), nullable=False),
    Column("posted_by", ForeignKey("staff_members.id"), nullable=False),
    Column("posted_at", UTCDateTime, nullable=False),
    Column("note", String(200)),
    Column("late", Boolean, nullable=False),
    Column("deleted_at", UTCDateTime),
    Column("reason", String(500)),
    Column("version", Integer, nullable=False),
)

homework = Table(
    "homework",
    metadata,
    _id(),
    _school(),
    Column("lesson_id", ForeignKey("lessons.id"), nullable=False, index=True),
    Column("due_lesson_id", ForeignKey("lessons.id")),
    Column("due_on", Date, nullable=False),
    Column("text", Text, nullable=False),
    Column("attachments", CanonicalJSON, nullable=False),
    Column("set_by", ForeignKey("staff_members.id"), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

final_marks = Table(
    "final_marks",
    metadata,
    _id(),
    _school(),
    Column("period_id", ForeignKey("study_periods.id"), nullable=False),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("value", String(20), nullable=False),
    Column("set_by", ForeignKey("staff_members.id"), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("period_id", "group_id", "subject_id", "student_id"),
)

period_locks = Table(
    "period_locks",
    metadata,
    _id(),
    _school(),
    Column("period_id", ForeignKey("study_periods.id"), nullable=False),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("closed_at", UTCDateTime, nullable=False),
    Column("closed_by", ForeignKey("staff_members.id"), nullable=False),
    Column("reopened_at", UTCDateTime),
    Column("reopened_by", ForeignKey("staff_members.id")),
    Column("reason", String(500)),
    Index("ix_period_locks_group", "group_id", "subject_id", "period_id"),
)

teacher_messages = Table(
    "teacher_messages",
    metadata,
    _id(),
    _school(),
    Column("teacher_id", ForeignKey("staff_members.id"), nullable=False),
    Column("group_id", ForeignKey("study_groups.id"), nullable=False),
    Column("student_id", ForeignKey("students.id")),
    Column("text", Text, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
)

outbox_events = Table(
    "outbox_events",
    metadata,
    _id(),
    _school(),
    Column("kind", StrEnumType(EventKind), nullable=False),
    Column("payload", CanonicalJSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime),
    Column("claimed_by", String(100)),
    Column("processed_at", UTCDateTime),
    Index("ix_outbox_events_pending", "processed_at", "id"),
)

# --- notices (INF-1, INF-2): see core/model/notices.py -----------------------------------------

notices = Table(
    "notices",
    metadata,
    _id(),
    _school(),
    Column("recipient_kind", StrEnumType(PersonKind), nullable=False),
    Column("recipient_id", Integer, nullable=False),
    Column("chat_id", BigInteger, nullable=False, index=True),
    Column("student_id", ForeignKey("students.id"), index=True),
    Column("event_ids", CanonicalJSON, nullable=False),
    Column("kinds", _KindList(EventKind), nullable=False),
    Column("key", String(100), nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", StrEnumType(NoticeStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime),
    Column("claimed_by", String(100)),
    Column("claimed_until", UTCDateTime),
    Column("text", Text),
    Column("message_id", BigInteger),
    Column("sent_at", UTCDateTime),
    Column("acknowledged_at", UTCDateTime),
    Column("last_error", String(500)),
    Column("version", Integer, nullable=False),
    # the worker's claim: due notices by status and time
    Index("ix_notices_due", "status", "due_at"),
    # fan-out: the pending notice an event may join
    Index("ix_notices_open", "recipient_kind", "recipient_id", "key", "status"),
)

notice_preferences = Table(
    "notice_preferences",
    metadata,
    _id(),
    _school(),
    Column("person_kind", StrEnumType(PersonKind), nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("topics", StrEnumList(NoticeTopic), nullable=False),
    Column("mode", StrEnumType(DeliveryMode), nullable=False),
    Column("quiet_from", Time),
    Column("quiet_to", Time),
    Column("updated_at", UTCDateTime),
    UniqueConstraint("school_id", "person_kind", "person_id"),
)

reminders_sent = Table(
    "reminders_sent",
    metadata,
    _id(),
    _school(),
    Column("key", String(120), nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
    UniqueConstraint("school_id", "key"),
)

guardian_replies = Table(
    "guardian_replies",
    metadata,
    _id(),
    _school(),
    Column("message_id", ForeignKey("teacher_messages.id"), nullable=False, index=True),
    Column("notice_id", ForeignKey("notices.id"), nullable=False),
    Column("guardian_id", ForeignKey("guardians.id"), nullable=False),
    Column("student_id", ForeignKey("students.id")),
    Column("teacher_id", ForeignKey("staff_members.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
)

# updates of the bot whose changes were committed, written in their own transaction: with several
# instances, a copy of an update (redelivered after its instance died) changes nothing again
handled_updates = Table(
    "handled_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("handled_at", UTCDateTime, nullable=False, index=True),
)

# not school-scoped: a Telegram account may be bound in several schools, and blocking the bot
# blocks it for all of them
unreachable_chats = Table(
    "unreachable_chats",
    metadata,
    _id(),
    Column("chat_id", BigInteger, nullable=False, index=True),
    Column("since", UTCDateTime, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("cleared_at", UTCDateTime),
)

# SEC-4: a compromised account and the audit entries it declares invalid (the log stays as written)
compromises = Table(
    "compromises",
    metadata,
    _id(),
    _school(),
    Column("person_kind", StrEnumType(PersonKind), nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("since", UTCDateTime, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actors", CanonicalJSON, nullable=False),
    Column("reverted_at", UTCDateTime),
    Column("reverted_by", String(100)),
)

audit_flags = Table(
    "audit_flags",
    metadata,
    _id(),
    _school(),
    Column("compromise_id", ForeignKey("compromises.id"), nullable=False, index=True),
    Column("entry_id", ForeignKey("audit_entries.id"), nullable=False, index=True),
    Column("entry_seq", Integer, nullable=False),
    Column("state", StrEnumType(FlagState), nullable=False),
    Column("resolved_at", UTCDateTime),
    Column("note", String(500)),
    UniqueConstraint("compromise_id", "entry_id"),
)
