"""Pushes updates to the bot's webhook in order, retrying until the bot answers 2xx.

Telegram sends a webhook POST per update, with the secret token header, and keeps an update
until the bot acknowledges it; the answer may itself carry a method call. One update is in
flight at a time by default, so tests see a fixed order; with ``connections`` > 1 up to that many
(and the webhook's max_connections) are, each retried on its own, as Telegram does for a bot
behind several instances.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import ClientError, ClientResponse, ClientSession, ClientTimeout, MultipartReader

from bot.emulator.api import BotApi
from bot.emulator.errors import ApiError
from bot.emulator.params import Params, read_multipart
from bot.emulator.state import EmulatorState, WebhookConfig

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSender:
    def __init__(
        self,
        state: EmulatorState,
        api: BotApi,
        *,
        retry_delay: float = 0.1,
        max_retry_delay: float = 2.0,
        timeout: float = 5.0,
        connections: int = 1,
    ) -> None:
        self.state = state
        self.api = api
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout
        self.connections = connections

    async def run(self) -> None:
        """Runs until cancelled by the emulator's close()."""
        if self.connections > 1:
            await self._run_parallel()
            return
        delay = self.retry_delay
        async with ClientSession(timeout=ClientTimeout(total=self.timeout)) as http:
            while not self.state.closing.is_set():
                hook = self.state.webhook
                queue = self.state.updates
                if hook is None or not queue.pending:
                    await queue.changed.wait(1.0)
                    continue
                update = queue.pending[0]
                if await self._deliver(http, hook, update):
                    queue.confirm_below(update["update_id"] + 1)
                    delay = self.retry_delay
                    self.state.changed.fire()
                else:
                    # Backoff, bounded: Telegram too retries a failing webhook ever more slowly,
                    # but tries again at once when the webhook is set anew.
                    if self.state.webhook is hook:
                        await self.state.webhook_changed.wait(delay)
                    if self.state.webhook is hook:
                        delay = min(delay * 2, self.max_retry_delay)
                    else:
                        delay = self.retry_delay

    async def _run_parallel(self) -> None:
        in_flight: dict[int, asyncio.Task[None]] = {}
        async with ClientSession(timeout=ClientTimeout(total=self.timeout)) as http:
            try:
                while not self.state.closing.is_set():
                    for update_id in [i for i, task in in_flight.items() if task.done()]:
                        del in_flight[update_id]
                    hook = self.state.webhook
                    limit = 0 if hook is None else min(self.connections, hook.max_connections)
                    for update in self.state.updates.pending:
                        if len(in_flight) >= limit:
                            break
                        if update["update_id"] not in in_flight:
                            in_flight[update["update_id"]] = asyncio.create_task(
                                self._deliver_until_taken(http, update)
                            )
                    await self.state.updates.changed.wait(1.0)
            finally:
                for task in in_flight.values():
                    task.cancel()
                await asyncio.gather(*in_flight.values(), return_exceptions=True)

    async def _deliver_until_taken(self, http: ClientSession, update: dict[str, Any]) -> None:
        delay = self.retry_delay
        while True:
            hook = self.state.webhook
            if hook is None:
                await self.state.webhook_changed.wait(1.0)
                continue
            if await self._deliver(http, hook, update):
                self.state.updates.confirm(update["update_id"])
                self.state.updates.changed.fire()  # a connection is free for the next one
                self.state.changed.fire()
                return
            await self.state.webhook_changed.wait(delay)
            delay = min(delay * 2, self.max_retry_delay)

    async def _deliver(
        self, http: ClientSession, hook: WebhookConfig, update: dict[str, Any]
    ) -> bool:
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        try:
            async with http.post(hook.url, json=update, headers=headers) as response:
                if not 200 <= response.status < 300:
                    status = f"{response.status} {response.reason}"
                    self._failed(hook, f"Wrong response from the webhook: {status}")
                    return False
                hook.deliveries += 1
                await self._run_reply(response)
                return True
        except TimeoutError:
            self._failed(hook, "Read timeout expired")
        except ClientError as error:
            self._failed(hook, f"Connection failed: {error}")
        return False

    def _failed(self, hook: WebhookConfig, message: str) -> None:
        hook.failures += 1
        hook.last_error_date = self.state.now()
        hook.last_error_message = message
        self.state.changed.fire()

    async def _run_reply(self, response: ClientResponse) -> None:
        """Executes a method the bot returned in the webhook answer; its errors are dropped."""
        values: dict[str, Any] = {}
        try:
            if response.content_type == "multipart/form-data":
                values = await read_multipart(MultipartReader(response.headers, response.content))
            elif response.content_type == "application/json":
                body = json.loads(await response.text() or "{}")
                values = body if isinstance(body, dict) else {}
        except (ValueError, ApiError, ClientError) as error:
            log.warning("unreadable webhook reply: %s", error)
            return
        method = values.pop("method", None)
        if not isinstance(method, str):
            return
        try:
            await self.api.call(method, Params(values))
        except ApiError as error:
            log.info("webhook reply %s failed: %s", method, error.description)
