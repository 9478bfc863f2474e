"""Delivering one notice: the checks made just before it goes (the recipient may have withdrawn
consent or been unbound since the fan-out), and what each answer of the channel does to it.

Exactly once: a notice goes from pending to sending only in ``start_sending``, a locked
transition a single worker wins; "sending" is committed before the request leaves. A worker that
dies mid-request leaves it "sending", and recovery turns it "uncertain" — never pending again, so
it is never re-sent blindly. A 429 is Telegram saying "not delivered", so the notice goes back to
pending and is retried after the pause."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.model.identity import PersonKind, TelegramBinding
from core.model.notices import Notice, NoticeStatus
from core.ports import UnitOfWork
from core.rules import notices as rules
from core.rules.notices import NoticeRules
from core.services import notices_texts as txt
from core.services.consent import may_send_personal_data
from core.services.errors import StaleEdit
from core.services.notice_content import NoticeContent, notice_content
from core.services.notices import chat_unreachable_since, mark_unreachable, preference_of


class DeliveryStore(Protocol):
    async def lock_claimed(self, notice_id: int, worker: str) -> Notice | None:
        """The notice, locked and fresh, if it is still pending and claimed by this worker."""
        ...


class Outcome(StrEnum):
    SENT = "sent"
    FLOOD = "flood"  # 429: not delivered; everything pauses for retry_after
    RETRY = "retry"  # 5xx, or the request could not be sent at all: back off and retry
    BLOCKED = "blocked"  # 403: the chat refuses the bot
    UNCERTAIN = "uncertain"  # the request went out and no answer came
    REFUSED = "refused"  # Telegram rejected the request itself (400): retrying would not help
    # no connection could be made: Telegram or the network is down, which is no fault of the
    # notice: it waits, not counted as an attempt, however long the outage lasts
    OFFLINE = "offline"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class Outgoing:
    notice_id: int
    chat_id: int
    text: str
    reply: bool = False  # with «Ответить учителю» (INF-6)


async def _hold_reason(uow: UnitOfWork, notice: Notice) -> tuple[NoticeStatus, str] | None:
    if await chat_unreachable_since(uow, notice.chat_id) is not None:
        return NoticeStatus.UNREACHABLE, txt.CHAT_UNREACHABLE
    bound = await uow.repo(TelegramBinding).first(
        school_id=notice.school_id,
        telegram_user_id=notice.chat_id,
        person_kind=notice.recipient_kind,
        person_id=notice.recipient_id,
        unbound_at=None,
    )
    if bound is None:
        return NoticeStatus.HELD, txt.HELD_UNBOUND
    if notice.recipient_kind is PersonKind.GUARDIAN and not await may_send_personal_data(
        uow, notice.recipient_id
    ):
        return NoticeStatus.HELD, txt.HELD_NO_CONSENT
    preference = await preference_of(
        uow, notice.school_id, notice.recipient_kind, notice.recipient_id
    )
    if not {rules.topic_of(kind) for kind in notice.kinds} & set(preference.topics):
        return NoticeStatus.HELD, txt.HELD_NOT_WANTED
    return None


async def start_sending(
    uow: UnitOfWork,
    store: DeliveryStore,
    notice_id: int,
    *,
    worker: str,
    now: dt.datetime,
    until: dt.datetime,
    render: Callable[[NoticeContent], str],
) -> Outgoing | None:
    """Check, render and mark "sending" (committed); None when it is not to be sent (taken by
    another worker, or held back, which is recorded)."""
    notice = await store.lock_claimed(notice_id, worker)
    if notice is None:
        return None
    hold = await _hold_reason(uow, notice)
    content = await notice_content(uow, notice) if hold is None else None
    if content is not None and not content.lines:
        hold = NoticeStatus.HELD, "нечего сообщить: записи удалены"
    if hold is not None or content is None:
        status, reason = hold or (NoticeStatus.HELD, "")
        _set(notice, status=status, last_error=reason, claimed_by=None, claimed_until=None)
        await uow.commit()
        return None
    text = render(content)
    _set(notice, status=NoticeStatus.SENDING, text=text, claimed_until=until)
    await uow.commit()
    return Outgoing(
        notice_id, notice.chat_id, text, rules.may_answer(notice.recipient_kind, notice.kinds)
    )


async def give_up(uow: UnitOfWork, notice_id: int, error: str) -> bool:
    """A notice that cannot even be prepared (it keeps raising) is failed, so that it stops
    coming back every lease; True if it was still pending."""
    notice = await uow.repo(Notice).get(notice_id)
    if notice is None or notice.status is not NoticeStatus.PENDING:
        return False
    _set(notice, status=NoticeStatus.FAILED, last_error=error[:500], claimed_by=None,
         claimed_until=None)  # fmt: skip
    await uow.commit()
    return True


def _set(notice: Notice, **changes: object) -> None:
    for name, value in changes.items():
        setattr(notice, name, value)
    notice.version += 1


async def finish_sending(
    uow: UnitOfWork,
    notice_id: int,
    result: SendResult,
    now: dt.datetime,
    *,
    rules_: NoticeRules | None = None,
    lease_until: dt.datetime | None = None,
) -> NoticeStatus:
    """Record the channel's answer. A late success still counts after recovery called the
    notice uncertain (the message is there); any other late answer leaves recovery's verdict."""
    for _ in range(3):  # a stale edit means recovery or another worker wrote first: read again
        notice = await uow.repo(Notice).get(notice_id)
        if notice is None:
            return NoticeStatus.FAILED
        if notice.status is not NoticeStatus.SENDING and not (
            notice.status is NoticeStatus.UNCERTAIN and result.outcome is Outcome.SENT
        ):
            return notice.status
        _apply(notice, result, now, rules_ or NoticeRules(), lease_until)
        if result.outcome is Outcome.BLOCKED:
            await mark_unreachable(uow, notice.chat_id, result.error or "403", now)
        try:
            await uow.commit()
        except StaleEdit:
            continue
        return notice.status
    raise StaleEdit("notice changed while its answer was being recorded")


def _apply(
    notice: Notice,
    result: SendResult,
    now: dt.datetime,
    rules_: NoticeRules,
    lease_until: dt.datetime | None,
) -> None:
    error = (result.error or "")[:500] or None
    released: dict[str, object] = {"claimed_by": None, "claimed_until": None, "last_error": error}
    match result.outcome:
        case Outcome.SENT:
            _set(
                notice,
                **released,
                status=NoticeStatus.SENT,
                message_id=result.message_id,
                sent_at=now,
            )
        case Outcome.FLOOD | Outcome.OFFLINE:
            # still this worker's: it sends the notice again once the pause is over
            _set(
                notice,
                status=NoticeStatus.PENDING,
                last_error=error,
                claimed_until=lease_until or now,
            )
        case Outcome.RETRY:
            attempts = notice.attempts + 1
            if attempts >= rules_.max_attempts:
                _set(notice, **released, status=NoticeStatus.FAILED, attempts=attempts)
            else:
                retry_at = now + rules.backoff(attempts, rules_)
                _set(
                    notice,
                    **released,
                    status=NoticeStatus.PENDING,
                    attempts=attempts,
                    next_attempt_at=retry_at,
                )
        case Outcome.BLOCKED:
            _set(notice, **released, status=NoticeStatus.UNREACHABLE)
        case Outcome.UNCERTAIN:
            _set(
                notice,
                **{**released, "last_error": error or txt.TIMEOUT},
                status=NoticeStatus.UNCERTAIN,
            )
        case Outcome.REFUSED:
            _set(notice, **released, status=NoticeStatus.FAILED)
