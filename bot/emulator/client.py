"""The other side of the chat: a Telegram user who writes to the bot and reads its answers.

Users act in-process (no HTTP on this side); what they do becomes updates that reach the bot
only over HTTP, by getUpdates or the webhook, exactly as from Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any, TypeVar

from bot.emulator.commands import visible_commands
from bot.emulator.files import store_file
from bot.emulator.keyboards import Button
from bot.emulator.params import Upload
from bot.emulator.state import (
    CallbackAnswer,
    ChatMessage,
    ChatState,
    EmulatorState,
    PendingQuery,
    StoredFile,
)

T = TypeVar("T")
_query_ids = itertools.count(4_000_000_001)


async def wait_for(
    state: EmulatorState, find: Callable[[], T | None], seconds: float, what: Callable[[], str]
) -> T:
    """Re-checks `find` on every change until it answers, or raises TimeoutError.

    Every wait a test can make goes through here with a finite bound, so that a bot which
    never answers fails the test instead of hanging it. (That is also why the public waits
    take a `timeout` argument with a default rather than leaving it to asyncio.timeout.)
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (found := find()) is None:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError(f"{what()} within {seconds} s")
        await state.changed.wait(remaining)
    return found


class EmulatedUser:
    def __init__(self, state: EmulatorState, chat: ChatState) -> None:
        self._state = state
        self._chat = chat
        # Index into chat.activity: wait_for_message looks at what the bot did after it.
        self._cursor = 0
        self._last_query: str | None = None

    # --- who -------------------------------------------------------------------------------

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def user_json(self) -> dict[str, Any]:
        return self._chat.user

    @property
    def chat(self) -> ChatState:
        return self._chat

    # --- what the chat shows -----------------------------------------------------------------

    @property
    def history(self) -> list[ChatMessage]:
        """Every message of the chat, both sides, deleted ones included (marked)."""
        return list(self._chat.messages)

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages, edits applied in place, deleted ones kept with deleted=True."""
        return [m for m in self._chat.messages if m.from_bot]

    @property
    def last_message(self) -> ChatMessage:
        for message in reversed(self._chat.messages):
            if message.from_bot and not message.deleted:
                return message
        raise LookupError(f"the bot has written nothing to chat {self.id}")

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._chat.callback_answers)

    @property
    def keyboard(self) -> list[list[Button]]:
        """The reply keyboard currently shown under the input field."""
        return self._chat.keyboard

    @property
    def commands(self) -> list[tuple[str, str]]:
        """The command menu this user sees, resolved through the scopes as Telegram does."""
        return visible_commands(self._state, self.id, self._chat.user.get("language_code"))

    def document_bytes(self, message: ChatMessage) -> bytes:
        """The bytes of the document (or photo) the bot sent in `message`."""
        return file_of(message).content

    def skip(self) -> None:
        """Makes wait_for_message ignore everything the bot has done so far."""
        self._cursor = len(self._chat.activity)

    # --- acting ------------------------------------------------------------------------------

    def _message(self, **fields: Any) -> ChatMessage:
        self._chat.started = True
        message = ChatMessage(
            message_id=self._chat.next_message_id(),
            chat=self._chat.chat_json(),
            sender=self._chat.user,
            date=self._state.now(),
            **fields,
        )
        self._chat.messages.append(message)
        self.skip()  # what we wait for next is the bot's answer to this
        self._state.updates.push("message", message.to_api())
        self._state.changed.fire()
        return message

    async def send(self, text: str, *, reply_to: ChatMessage | None = None) -> ChatMessage:
        entities = []
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": len(command)})
        message = self._message(text=text, entities=entities, reply_to=reply_to)
        await asyncio.sleep(0)  # lets the waiting long poll take it before we go on
        return message

    send_text = send

    async def send_document(
        self,
        filename: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> ChatMessage:
        stored = store_file(self._state, Upload(filename, content, mime_type))
        message = self._message(document=stored, caption=caption)
        await asyncio.sleep(0)
        return message

    async def send_contact(self, phone_number: str | None = None) -> ChatMessage:
        phone = phone_number or self._chat.phone_number
        if phone is None:
            raise ValueError(f"user {self.id} has no phone number to share")
        user = self._chat.user
        contact = {"phone_number": phone, "first_name": user["first_name"], "user_id": self.id}
        if user.get("last_name"):
            contact["last_name"] = user["last_name"]
        message = self._message(contact=contact)
        await asyncio.sleep(0)
        return message

    async def press_key(self, text: str) -> ChatMessage:
        """Taps a button of the reply keyboard shown now: sends its text (or the contact)."""
        for row in self._chat.keyboard:
            for button in row:
                if button.text == text:
                    if button.request_contact:
                        return await self.send_contact()
                    return await self.send(text)
        shown = [b.text for row in self._chat.keyboard for b in row]
        raise LookupError(f"no key {text!r} on the keyboard of chat {self.id}: {shown}")

    async def press(self, message: ChatMessage, text: str) -> str:
        """Presses an inline button by its text; returns the callback query id."""
        if message.deleted:
            raise LookupError(f"message {message.message_id} was deleted")
        button = message.button(text)
        if button.callback_data is None:
            raise ValueError(f"button {text!r} has no callback_data (a url or other button)")
        return await self.press_data(message, button.callback_data)

    async def press_data(self, message: ChatMessage | int, data: str) -> str:
        """A callback query with any data, even one no button carries (a forged press)."""
        target = self._chat.find(message) if isinstance(message, int) else message
        query_id = str(next(_query_ids))
        self._last_query = query_id
        self._chat.started = True
        self._state.queries[query_id] = PendingQuery(
            self.id, data, target.message_id if target else None
        )
        query: dict[str, Any] = {
            "id": query_id,
            "from": self._chat.user,
            "chat_instance": str(self.id),
            "data": data,
        }
        if target is not None:
            query["message"] = target.to_api()
        self.skip()
        self._state.updates.push("callback_query", query)
        await asyncio.sleep(0)
        return query_id

    async def block(self) -> None:
        """Blocks the bot: later sends get 403, and the bot gets a my_chat_member update."""
        self._chat.blocked = True
        self._member_update("member", "kicked")
        await asyncio.sleep(0)

    async def unblock(self) -> None:
        self._chat.blocked = False
        self._member_update("kicked", "member")
        await asyncio.sleep(0)

    def _member_update(self, old: str, new: str) -> None:
        bot = self._state.bot_sender()

        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"user": bot, "status": status}
            if status == "kicked":
                data["until_date"] = 0
            return data

        self._state.updates.push(
            "my_chat_member",
            {
                "chat": self._chat.chat_json(),
                "from": self._chat.user,
                "date": self._state.now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    # --- waiting -----------------------------------------------------------------------------

    async def wait_for_message(
        self,
        predicate: Callable[[ChatMessage], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - bounded by default, see wait_for
        edits: bool = True,
    ) -> ChatMessage:
        """The next message the bot sends here (or edits, unless edits=False).

        "Next" counts from this user's last action (send, press...) or the last message
        returned; messages that fail the predicate are passed over for good.
        """
        kinds = ("message", "edit") if edits else ("message",)

        def find() -> ChatMessage | None:
            activity = self._chat.activity
            while self._cursor < len(activity):
                entry = activity[self._cursor]
                self._cursor += 1
                if entry.kind in kinds and (predicate is None or predicate(entry.message)):
                    return entry.message
            return None

        return await wait_for(self._state, find, timeout, self._nothing_new)

    def _nothing_new(self) -> str:
        seen = [repr(m.text or m.caption or "<file>")[:60] for m in self.messages[-5:]]
        return f"no new bot message in chat {self.id} (last ones: {seen})"

    async def wait_for_answer(
        self,
        query_id: str | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - bounded by default, see wait_for
    ) -> CallbackAnswer:
        """The bot's answerCallbackQuery for `query_id` (by default this user's latest press)."""
        wanted = query_id or self._last_query
        if wanted is None:
            raise LookupError(f"user {self.id} has pressed no button")

        def find() -> CallbackAnswer | None:
            for answer in self._chat.callback_answers:
                if answer.query_id == wanted:
                    return answer
            return None

        return await wait_for(
            self._state, find, timeout, lambda: f"no answer to callback query {wanted}"
        )


def file_of(message: ChatMessage) -> StoredFile:
    stored = message.document or message.photo
    if stored is None:
        raise LookupError(f"message {message.message_id} carries no file")
    return stored
