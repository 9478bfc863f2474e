"""Methods that write into chats: send, edit, delete messages and answer button presses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator.errors import ApiError, bad_request, forbidden
from bot.emulator.formatting import MAX_CAPTION, MAX_TEXT, render
from bot.emulator.keyboards import check_markup, keyboard_buttons
from bot.emulator.params import Params
from bot.emulator.state import CallbackAnswer, ChatMessage, ChatState, EmulatorState, StoredFile

Method = Callable[[Params], Awaitable[Any]]
# text, entities, caption, caption entities: what an edit may change besides the markup
_Content = tuple[str | None, list[dict[str, Any]], str | None, list[dict[str, Any]]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def target_chat(state: EmulatorState, params: Params) -> ChatState:
    """The chat a sending method writes to, refused the way Telegram refuses it."""
    try:
        chat_id = params.integer("chat_id")
    except ApiError:
        # "@username" addresses channels and public groups only, never a private chat.
        raise bad_request("chat not found") from None
    chat = state.chats.get(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    if chat.blocked:
        raise forbidden("bot was blocked by the user")
    if not chat.started:
        raise forbidden("bot can't initiate conversation with a user")
    return chat


def _reply_target(chat: ChatState, params: Params) -> ChatMessage | None:
    reply = params.json("reply_parameters")
    if isinstance(reply, dict):
        message_id, lenient = (
            reply.get("message_id"),
            bool(reply.get("allow_sending_without_reply")),
        )
    else:
        message_id = params.optional_integer("reply_to_message_id")
        lenient = params.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    found = chat.find(int(message_id))
    if found is None and not lenient:
        raise bad_request("message to be replied not found")
    return found


def _render(
    params: Params, value: str, *, caption: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    return render(
        value,
        params.optional_string("parse_mode"),
        limit=MAX_CAPTION if caption else MAX_TEXT,
        explicit=params.json("caption_entities" if caption else "entities"),
    )


class MessageMethods:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> dict[str, Method]:
        return {
            "getMe": self.get_me,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
        }

    async def get_me(self, params: Params) -> dict[str, Any]:
        return self.state.bot_user

    def post(
        self,
        chat: ChatState,
        params: Params,
        *,
        text: str | None = None,
        caption: str | None = None,
        document: StoredFile | None = None,
        photo: StoredFile | None = None,
    ) -> ChatMessage:
        """Adds a bot message to the chat; text/caption come as the bot sent them."""
        markup = check_markup(params.json("reply_markup"))
        reply_to = _reply_target(chat, params)
        message = ChatMessage(
            message_id=0,
            chat=chat.chat_json(),
            sender=self.state.bot_sender(),
            date=self.state.now(),
            source=text if text is not None else caption,
            reply_markup=markup,
            document=document,
            photo=photo,
            reply_to=reply_to,
        )
        if text is not None:
            message.text, message.entities = _render(params, text)
            if not message.text:
                raise bad_request("message text is empty")
        elif caption:
            message.caption, message.caption_entities = _render(params, caption, caption=True)
        # Ids are taken only once the call cannot fail any more, so refused calls leave no gap.
        message.message_id = chat.next_message_id()
        chat.messages.append(message)
        if markup is not None and "keyboard" in markup:
            chat.keyboard = keyboard_buttons(markup)
        elif markup is not None and "remove_keyboard" in markup:
            chat.keyboard = []
        self.state.record(chat, "message", message)
        return message

    async def send_message(self, params: Params) -> dict[str, Any]:
        chat = target_chat(self.state, params)
        text = params.optional_string("text")
        if not text:
            raise bad_request("message text is empty")
        return self.post(chat, params, text=text).to_api()

    def _editable(self, params: Params) -> tuple[ChatState, ChatMessage]:
        if "inline_message_id" in params:
            raise bad_request("inline messages are not emulated")
        chat = target_chat(self.state, params)
        message = chat.find(params.integer("message_id"))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _apply_edit(
        self,
        chat: ChatState,
        message: ChatMessage,
        params: Params,
        field: str | None,
        value: tuple[str, list[dict[str, Any]]] | None,
    ) -> dict[str, Any]:
        # Leaving reply_markup out of an edit removes the inline keyboard, as in Telegram.
        markup = check_markup(params.json("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        before: _Content = (
            message.text,
            message.entities,
            message.caption,
            message.caption_entities,
        )
        after: _Content = before
        if field == "text" and value is not None:
            after = (value[0], value[1], message.caption, message.caption_entities)
        elif field == "caption" and value is not None:
            after = (message.text, message.entities, value[0], value[1])
        if after == before and markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities, message.caption, message.caption_entities = after
        if field is not None:
            message.source = params.optional_string(field)
        message.reply_markup = markup
        message.edit_date = self.state.now()
        self.state.record(chat, "edit", message)
        return message.to_api()

    async def edit_message_text(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text = params.optional_string("text")
        if not text:
            raise bad_request("message text is empty")
        rendered = _render(params, text)
        if not rendered[0]:
            raise bad_request("message text is empty")
        return self._apply_edit(chat, message, params, "text", rendered)

    async def edit_message_caption(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        if message.document is None and message.photo is None:
            raise bad_request("there is no caption in the message to edit")
        caption = params.optional_string("caption") or ""
        rendered = _render(params, caption, caption=True)
        return self._apply_edit(chat, message, params, "caption", rendered)

    async def edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        return self._apply_edit(chat, message, params, None, None)

    async def delete_message(self, params: Params) -> bool:
        chat = self.state.chats.get(params.integer("chat_id"))
        message = chat.find(params.integer("message_id")) if chat else None
        if chat is None or message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        self.state.record(chat, "delete", message)
        return True

    async def answer_callback_query(self, params: Params) -> bool:
        query_id = params.string("callback_query_id")
        query = self.state.queries.get(query_id)
        if query is None or query.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query.answered = True
        self.state.chats[query.chat_id].callback_answers.append(
            CallbackAnswer(
                query_id=query_id,
                data=query.data,
                message_id=query.message_id,
                text=params.optional_string("text"),
                show_alert=params.flag("show_alert"),
                url=params.optional_string("url"),
            )
        )
        self.state.changed.fire()
        return True

    async def send_chat_action(self, params: Params) -> bool:
        target_chat(self.state, params)
        return True
