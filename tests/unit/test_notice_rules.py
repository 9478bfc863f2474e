"""core.rules.notices: topics, scope, urgency, coalescing keys, quiet hours, digests, backoff."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.events import EventKind
from core.model.notices import DeliveryMode, NoticeTopic, ack_callback_data
from core.rules import notices as rules
from core.rules.notices import NoticeRules

MOSCOW = ZoneInfo("Europe/Moscow")
T = dt.time
MONDAY = dt.date(2026, 9, 7)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), tzinfo=MOSCOW)


def test_every_event_kind_has_a_topic() -> None:
    assert set(rules.TOPIC_OF) == set(EventKind)


def test_scope_is_a_student_or_a_group() -> None:
    assert rules.scope(EventKind.MARK_POSTED, {"student_id": 3, "lesson_id": 1}) == rules.Scope(
        3, None
    )
    assert rules.scope(EventKind.HOMEWORK_SET, {"group_id": 7}) == rules.Scope(None, 7)
    message = {"group_id": 7, "student_id": None}
    assert rules.scope(EventKind.TEACHER_MESSAGE, message) == rules.Scope(None, 7)


@pytest.mark.parametrize(
    ("kind", "payload", "urgent"),
    [
        (EventKind.LESSON_MOVED, {"from_date": "2026-09-10", "to_date": "2026-09-08"}, True),
        (EventKind.LESSON_MOVED, {"from_date": "2026-09-10", "to_date": "2026-09-11"}, False),
        (EventKind.LESSON_SUBSTITUTED, {"on_date": "2026-09-07"}, True),
        (EventKind.LESSON_SUBSTITUTED, {"on_date": "2026-09-09"}, False),
        (EventKind.TIMETABLE_CHANGED, {"from_date": "2026-09-01"}, True),  # already in force
        (EventKind.TIMETABLE_CHANGED, {"from_date": "2026-09-14"}, False),
        (
            EventKind.CONTROL_WORK_CHANGED,
            {"on_date": "2026-09-20", "from_date": "2026-09-08"},
            True,
        ),
        (EventKind.MARK_POSTED, {"on_date": "2026-09-07"}, False),
        (EventKind.ABSENCE_MARKED, {}, False),
    ],
)
def test_urgent_are_schedule_changes_of_today_and_tomorrow(
    kind: EventKind, payload: dict[str, str], urgent: bool
) -> None:
    assert rules.is_urgent(kind, payload, MONDAY, NoticeRules()) is urgent


def test_coalescing_keys() -> None:
    key = rules.coalescing_key
    assert key(EventKind.MARK_POSTED, {"lesson_id": 4}, 1) == "lesson:4"
    assert key(EventKind.ABSENCE_MARKED, {"lesson_id": 4}, 2) == "lesson:4"  # joins the marks
    assert key(EventKind.FINAL_MARK_SET, {"period_id": 2, "lesson_id": 4}, 3) == "finals:2"
    assert key(EventKind.HOMEWORK_SET, {"lesson_id": 4}, 4) == "homework:4"
    assert key(EventKind.LESSON_MOVED, {"group_id": 9}, 5) == "schedule:9"
    assert key(EventKind.CONTROL_WORK_SCHEDULED, {"group_id": 9}, 6) == "control:9"
    assert key(EventKind.TEACHER_MESSAGE, {"group_id": 9}, 7) == "event:7"


@pytest.mark.parametrize(
    ("moment", "quiet", "expected"),
    [
        (at(22, 30), (T(21), T(7)), at(7, 0, MONDAY + dt.timedelta(days=1))),
        (at(3, 15), (T(21), T(7)), at(7)),
        (at(7), (T(21), T(7)), at(7)),  # the end itself is not quiet
        (at(20, 59), (T(21), T(7)), at(20, 59)),
        (at(14), (T(13), T(15)), at(15)),  # a span within one day
        (at(22, 30), (None, None), at(22, 30)),
        (at(22, 30), (T(7), T(7)), at(22, 30)),  # an empty span
    ],
)
def test_quiet_hours_move_a_notice_to_their_end(
    moment: dt.datetime, quiet: tuple[T | None, T | None], expected: dt.datetime
) -> None:
    assert rules.after_quiet_hours(moment, *quiet) == expected


def plan(moment: dt.datetime, topic: NoticeTopic = NoticeTopic.MARKS, *, urgent: bool = False,
         mode: DeliveryMode = DeliveryMode.INSTANT) -> rules.Plan:  # fmt: skip
    return rules.plan(
        moment.astimezone(dt.UTC), topic=topic, urgent=urgent, mode=mode, quiet_from=T(21),
        quiet_to=T(7), zone=MOSCOW, rules=NoticeRules(),
    )  # fmt: skip


def test_plan_marks_wait_for_the_window_others_go_at_once() -> None:
    assert plan(at(10)).due_at == at(10, 0).astimezone(dt.UTC) + dt.timedelta(seconds=5)
    assert plan(at(10), NoticeTopic.ABSENCES).due_at == at(10).astimezone(dt.UTC)
    late = at(20, 59) + dt.timedelta(seconds=58)  # the window ends in the quiet hours
    assert plan(late).due_at == at(7, 0, MONDAY + dt.timedelta(days=1)).astimezone(dt.UTC)


def test_plan_urgent_skips_window_quiet_hours_and_digest() -> None:
    urgent = plan(at(23), NoticeTopic.SCHEDULE, urgent=True, mode=DeliveryMode.DIGEST)
    assert urgent == rules.Plan(at(23).astimezone(dt.UTC), None)


def test_plan_digest_is_due_at_the_next_evening_digest() -> None:
    today = plan(at(10), mode=DeliveryMode.DIGEST)
    assert today == rules.Plan(at(19).astimezone(dt.UTC), "digest:2026-09-07")
    tomorrow = plan(at(19, 30), mode=DeliveryMode.DIGEST)
    assert tomorrow.digest_key == "digest:2026-09-08"


def test_backoff_doubles_up_to_the_cap() -> None:
    r = NoticeRules(retry_base=dt.timedelta(seconds=5), retry_cap=dt.timedelta(seconds=30))
    assert [rules.backoff(n, r).total_seconds() for n in range(1, 6)] == [5, 10, 20, 30, 30]


def test_child_label_is_first_name_and_initial() -> None:
    assert rules.child_label("Артём", "Алексеев") == "Артём А."


def test_ack_button_data_matches_the_routers_callback() -> None:
    from bot.routers.notices import AckCb

    assert AckCb(notice=42).pack() == ack_callback_data(42)
    assert AckCb.unpack(ack_callback_data(7)).notice == 7
