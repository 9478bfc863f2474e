"""How updates leave the emulator: getUpdates long polling, or a webhook."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.emulator.errors import bad_request, poll_terminated, webhook_active
from bot.emulator.messaging import Method
from bot.emulator.params import Params
from bot.emulator.state import EmulatorState, WebhookConfig

MAX_POLL_SECONDS = 60.0  # no request waits longer, whatever timeout the client asks for
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class UpdateMethods:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> dict[str, Method]:
        return {
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
        }

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        queue = self.state.updates
        if self.state.webhook is not None:
            raise webhook_active()
        offset = params.optional_integer("offset")
        limit = min(max(params.optional_integer("limit") or 100, 1), 100)
        timeout = min(max(params.optional_integer("timeout") or 0, 0), MAX_POLL_SECONDS)
        if offset is not None:
            queue.confirm_below(offset)
        queue.set_allowed(params.json("allowed_updates"))
        # A newer getUpdates ends the one still waiting, as Telegram does with two pollers.
        queue.poll_generation += 1
        generation = queue.poll_generation
        queue.changed.fire()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != queue.poll_generation:
                raise poll_terminated()
            if self.state.webhook is not None:
                raise webhook_active()
            remaining = deadline - loop.time()
            if queue.pending or remaining <= 0 or self.state.closing.is_set():
                return queue.pending[:limit]
            queue.pollers_waiting += 1
            self.state.changed.fire()  # lets `wait_until_polled` see the waiting poller
            try:
                await queue.changed.wait(remaining)
            finally:
                queue.pollers_waiting -= 1

    async def set_webhook(self, params: Params) -> bool:
        url = params.optional_string("url") or ""
        if not url:
            return await self.delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: invalid webhook URL specified")
        secret = params.optional_string("secret_token")
        if secret is not None and not _SECRET.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.flag("drop_pending_updates"):
            self.state.updates.pending.clear()
        self.state.updates.set_allowed(params.json("allowed_updates"))
        self.state.webhook = WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=params.optional_integer("max_connections") or 40,
        )
        # Wakes a waiting getUpdates (it now answers 409) and the webhook sender.
        self.state.updates.changed.fire()
        self.state.webhook_changed.fire()
        self.state.changed.fire()
        return True

    async def delete_webhook(self, params: Params) -> bool:
        if params.flag("drop_pending_updates"):
            self.state.updates.pending.clear()
        self.state.webhook = None
        self.state.updates.changed.fire()
        self.state.webhook_changed.fire()
        self.state.changed.fire()
        return True

    async def get_webhook_info(self, params: Params) -> dict[str, Any]:
        hook = self.state.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates.pending),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        if self.state.updates.allowed is not None:
            info["allowed_updates"] = sorted(self.state.updates.allowed)
        return info
