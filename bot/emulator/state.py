"""What the emulated Telegram remembers: chats and their messages, files, commands, updates."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.emulator.keyboards import Button, inline_buttons, keyboard_buttons

# Telegram leaves these out unless allowed_updates names them.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Pulse:
    """Wakes every waiter once per change; waiters then re-check their own condition.

    One event per change (instead of a Condition) lets many unrelated waiters (long polls,
    test helpers, the webhook sender) share a signal without holding a lock.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Until the next fire(), or at most `seconds`."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0))


@dataclass(eq=False)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    content: bytes
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def document_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.filename:
            data["file_name"] = self.filename
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data

    def photo_json(self) -> list[dict[str, Any]]:
        # Telegram sends several sizes; one is enough for a bot that only reads them back.
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.content),
                "width": self.width,
                "height": self.height,
            }
        ]

    def file_json(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


@dataclass(eq=False)
class ChatMessage:
    """A message in a private chat, from either side; edits change it in place."""

    message_id: int
    chat: dict[str, Any]
    sender: dict[str, Any]
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None  # text or caption as the bot sent it, before parse_mode
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    contact: dict[str, Any] | None = None
    reply_to: ChatMessage | None = None
    edit_date: int | None = None
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def from_bot(self) -> bool:
        return bool(self.sender.get("is_bot"))

    @property
    def buttons(self) -> list[list[Button]]:
        """Rows of the inline keyboard attached to the message."""
        return inline_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def keyboard(self) -> list[list[Button]]:
        """Rows of the reply keyboard this message brought up, if any."""
        return keyboard_buttons(self.reply_markup)

    def button(self, text: str) -> Button:
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        raise LookupError(
            f"no button {text!r} under message {self.message_id}: {self.button_texts}"
        )

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat,
            "from": self.sender,
        }
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.caption is not None:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        if self.document is not None:
            data["document"] = self.document.document_json()
        if self.photo is not None:
            data["photo"] = self.photo.photo_json()
        if self.contact is not None:
            data["contact"] = self.contact
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            # Message.reply_markup is an InlineKeyboardMarkup only; reply keyboards are not echoed.
            data["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        return data


@dataclass(frozen=True)
class CallbackAnswer:
    query_id: str
    data: str | None
    message_id: int | None
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class PendingQuery:
    """A button press the bot has been told about; Telegram lets it be answered once."""

    chat_id: int
    data: str | None
    message_id: int | None
    answered: bool = False


@dataclass(frozen=True)
class Activity:
    """Something the bot did in a chat, in order; what `wait_for_message` walks through."""

    kind: Literal["message", "edit", "delete"]
    message: ChatMessage


@dataclass(eq=False)
class ChatState:
    """The private chat of one user with the bot (chat id = user id)."""

    user: dict[str, Any]
    phone_number: str | None = None
    started: bool = False  # the user has written to the bot, so the bot may write back
    blocked: bool = False
    last_message_id: int = 0
    messages: list[ChatMessage] = field(default_factory=list)
    activity: list[Activity] = field(default_factory=list)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    keyboard: list[list[Button]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def chat_json(self) -> dict[str, Any]:
        chat = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        for key in ("last_name", "username"):
            if self.user.get(key):
                chat[key] = self.user[key]
        return chat

    def next_message_id(self) -> int:
        # One counter for both sides, as in a real private chat.
        self.last_message_id += 1
        return self.last_message_id

    def find(self, message_id: int) -> ChatMessage | None:
        for message in self.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None


class UpdateQueue:
    """Updates waiting for the bot, until confirmed by a getUpdates offset or a webhook 2xx."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.last_update_id = 100_000
        self.allowed: frozenset[str] | None = None  # None: Telegram's default set
        self.changed = Pulse()
        self.pollers_waiting = 0
        self.poll_generation = 0

    def push(self, kind: str, payload: dict[str, Any]) -> int | None:
        wanted = kind not in NOT_BY_DEFAULT if self.allowed is None else kind in self.allowed
        if not wanted:
            return None  # Telegram does not even store updates the bot did not ask for
        self.last_update_id += 1
        self.pending.append({"update_id": self.last_update_id, kind: payload})
        self.changed.fire()
        return self.last_update_id

    def confirm_below(self, offset: int) -> None:
        if offset < 0:
            # A negative offset keeps only the last -offset updates, as documented.
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def confirm(self, update_id: int) -> None:
        """One update taken by the webhook (several may be in flight, answered in any order)."""
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def set_allowed(self, allowed: Any) -> None:
        if isinstance(allowed, list):
            self.allowed = frozenset(str(kind) for kind in allowed) or None


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: int = 0
    failures: int = 0


@dataclass
class EmulatorState:
    bot_user: dict[str, Any]
    clock: Callable[[], float] = time.time
    chats: dict[int, ChatState] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    # (scope key, language code) -> [(command, description)], see commands.scope_key
    commands: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    webhook: WebhookConfig | None = None
    queries: dict[str, PendingQuery] = field(default_factory=dict)
    changed: Pulse = field(default_factory=Pulse)  # any change a test may wait for
    webhook_changed: Pulse = field(default_factory=Pulse)  # cuts a retry backoff short
    closing: asyncio.Event = field(default_factory=asyncio.Event)

    def bot_sender(self) -> dict[str, Any]:
        """The bot as the `from` of its messages: the short User, as Telegram sends it."""
        keys = ("id", "is_bot", "first_name", "username")
        return {key: self.bot_user[key] for key in keys if key in self.bot_user}

    def now(self) -> int:
        return int(self.clock())

    def record(
        self, chat: ChatState, kind: Literal["message", "edit", "delete"], message: ChatMessage
    ) -> None:
        chat.activity.append(Activity(kind, message))
        self.changed.fire()

    def file_by_path(self, path: str) -> StoredFile | None:
        for stored in self.files.values():
            if stored.file_path == path:
                return stored
        return None
