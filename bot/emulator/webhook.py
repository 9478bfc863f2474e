"""Pushes updates to the bot's webhook in order, retrying until the bot answers 2xx.

Telegram sends a webhook POST per update, with the secret token header, and keeps an update
until the bot acknowledges it; the answer may itself carry a method call. One update is in
flight at a time here (Telegram may open up to max_connections), so tests see a fixed order.
"""

from __future__ import annotations

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
    ) -> None:
        self.state = state
        self.api = api
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout

    async def run(self) -> None:
        """Runs until cancelled by the emulator's close()."""
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
