"""The emulator as a whole: an aiohttp server speaking the Bot API on a loopback port.

`{base}/bot<token>/<method>` answers like api.telegram.org, and `{base}/file/bot<token>/<path>`
serves stored files, so an unmodified aiogram Bot works against it through
`TelegramAPIServer.from_base(emulator.base_url)`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, suppress
from types import TracebackType
from typing import Any, Self

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.emulator.api import ApiStats, BotApi
from bot.emulator.client import EmulatedUser, wait_for
from bot.emulator.errors import ApiError, unauthorized
from bot.emulator.harness import LoopbackSession, polling
from bot.emulator.limits import Fault, FloodLimits
from bot.emulator.params import MAX_UPLOAD_BYTES, read_params
from bot.emulator.state import ChatState, EmulatorState, WebhookConfig
from bot.emulator.webhook import WebhookSender

DEFAULT_TOKEN = "123456789:AAE-emulated-bot-token-for-tests-only"


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.to_json(), status=error.status, dumps=_dumps)


def build_app(token: str, state: EmulatorState, api: BotApi) -> web.Application:
    async def method(request: web.Request) -> web.Response:
        if request.match_info["token"] != token:
            return _error(unauthorized())
        try:
            params = await read_params(request)
            result = await api.call(request.match_info["method"], params)
        except ApiError as error:
            return _error(error)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    async def file(request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != token:
            return _error(unauthorized())
        stored = state.file_by_path(request.match_info["path"])
        if stored is None:
            return _error(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", method)
    app.router.add_get("/file/bot{token}/{path:.+}", file)
    return app


class BotApiEmulator:
    """A fake api.telegram.org for one bot; use as `async with BotApiEmulator() as emu:`."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_name: str = "Дневник",
        bot_username: str = "dnevnik_emulated_bot",
        flood_limits: FloodLimits | None = None,
        clock: Callable[[], float] = time.time,
        webhook_retry_delay: float = 0.1,
        webhook_timeout: float = 5.0,
        webhook_connections: int = 1,
    ) -> None:
        self.token = token
        self.host = host
        self._port = port
        bot_id = int(token.partition(":")[0])
        self.state = EmulatorState(
            bot_user={
                "id": bot_id,
                "is_bot": True,
                "first_name": bot_name,
                "username": bot_username,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            },
            clock=clock,
        )
        self.api = BotApi(self.state, flood_limits)
        self._sender = WebhookSender(
            self.state,
            self.api,
            retry_delay=webhook_retry_delay,
            timeout=webhook_timeout,
            connections=webhook_connections,
        )
        self._users: dict[int, EmulatedUser] = {}
        self._runner: web.AppRunner | None = None
        self._sender_task: asyncio.Task[None] | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.create_server((self.host, self._port), family=family)
        self._port = sock.getsockname()[1]
        # handler_cancellation: a client that hangs up (a stopped poller, a timed-out call)
        # cancels its handler instead of leaving it waiting for nobody.
        self._runner = web.AppRunner(
            build_app(self.token, self.state, self.api),
            handler_cancellation=True,
            shutdown_timeout=1.0,
            access_log=None,
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._sender_task = asyncio.create_task(self._sender.run())

    async def close(self) -> None:
        self.state.closing.set()
        self.state.updates.changed.fire()  # waiting long polls answer at once
        self.state.changed.fire()
        if self._sender_task is not None:
            self._sender_task.cancel()
            with suppress(asyncio.CancelledError):
                await self._sender_task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # --- connecting a bot --------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._runner is None:
            raise RuntimeError("the emulator is not started")
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def api_server(self) -> TelegramAPIServer:
        return TelegramAPIServer.from_base(self.base_url, is_local=False)

    def session(self, **kwargs: Any) -> AiohttpSession:
        """An aiogram session pointed here (and quick to close, see LoopbackSession)."""
        return LoopbackSession(api=self.api_server(), **kwargs)

    def bot(self, token: str | None = None, **kwargs: Any) -> Bot:
        return Bot(token or self.token, session=self.session(), **kwargs)

    def polling(
        self, dispatcher: Dispatcher, bot: Bot, *, timeout: float = 5.0, **kwargs: Any
    ) -> AbstractAsyncContextManager[asyncio.Task[None]]:
        """`async with emu.polling(dp, bot):` runs dp.start_polling and stops it on exit."""
        started = self.wait_until_polled(timeout)
        return polling(dispatcher, bot, started, seconds=timeout, **kwargs)

    # --- users -------------------------------------------------------------------------------

    def user(
        self,
        id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        *,
        language_code: str | None = "ru",
        phone_number: str | None = None,
        started: bool = False,
    ) -> EmulatedUser:
        """The user with this id (created on first call); `started` as if /start was sent."""
        if id in self._users:
            return self._users[id]
        data: dict[str, Any] = {"id": id, "is_bot": False, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value:
                data[key] = value
        chat = ChatState(user=data, phone_number=phone_number, started=started)
        self.state.chats[id] = chat
        self._users[id] = EmulatedUser(self.state, chat)
        return self._users[id]

    # --- inspecting and steering -------------------------------------------------------------

    @property
    def commands(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(scope, language) -> [(command, description)]; scope like "default", "chat:42"."""
        return self.state.commands

    @property
    def stats(self) -> ApiStats:
        return self.api.stats

    @property
    def flood_rejections(self) -> int:
        """How many 429s the flood limits have answered (injected faults not counted)."""
        return self.api.flood_rejections

    @property
    def webhook(self) -> WebhookConfig | None:
        return self.state.webhook

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.state.updates.pending)

    def inject_fault(
        self, method: str, fault: Fault, *, times: int | None = 1, chat_id: int | None = None
    ) -> None:
        """Makes the next `times` calls of `method` (to `chat_id`, if given) meet `fault`.

        times=None keeps the fault until clear_faults().
        """
        self.api.faults.add(method, fault, times, chat_id)

    def clear_faults(self) -> None:
        self.api.faults.clear()

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.state.files.get(file_id)
        if stored is None:
            raise LookupError(f"no file {file_id}")
        return stored.content

    async def wait_until_polled(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Returns once a getUpdates long poll is waiting here."""
        queue = self.state.updates
        await wait_for(
            self.state,
            lambda: True if queue.pollers_waiting > 0 else None,
            timeout,
            lambda: "no getUpdates long poll arrived",
        )

    async def wait_until_delivered(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Returns once no update is pending (taken by getUpdates offset or webhook 2xx)."""
        queue = self.state.updates
        await wait_for(
            self.state,
            lambda: True if not queue.pending else None,
            timeout,
            lambda: f"{len(queue.pending)} updates still pending",
        )
