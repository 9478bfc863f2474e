"""One entry point for every method call: lookup, injected faults, flood limits, the call log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.commands import CommandMethods
from bot.emulator.errors import ApiError, method_not_found
from bot.emulator.files import FileMethods
from bot.emulator.limits import FaultBook, FloodGate, FloodLimits, apply_fault
from bot.emulator.messaging import MessageMethods, Method
from bot.emulator.params import Params
from bot.emulator.state import EmulatorState
from bot.emulator.updates import UpdateMethods

# The methods that put a new message into a chat, and so count against flood limits.
SENDING = frozenset({"sendMessage", "sendDocument", "sendPhoto"})


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None


@dataclass
class ApiStats:
    calls: list[ApiCall] = field(default_factory=list)
    by_method: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)

    def count(self, method: str, status: int | None = None) -> int:
        return sum(
            1
            for call in self.calls
            if call.method == method and (status is None or call.status == status)
        )


class BotApi:
    def __init__(self, state: EmulatorState, flood_limits: FloodLimits | None = None) -> None:
        self.state = state
        self.flood = FloodGate(flood_limits) if flood_limits is not None else None
        self.faults = FaultBook()
        self.stats = ApiStats()
        messages = MessageMethods(state)
        routes: dict[str, Method] = {
            **messages.routes(),
            **FileMethods(state, messages).routes(),
            **CommandMethods(state).routes(),
            **UpdateMethods(state).routes(),
        }
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, handler) for name, handler in routes.items()}

    @property
    def flood_rejections(self) -> int:
        return self.flood.rejections if self.flood is not None else 0

    async def call(self, method: str, params: Params) -> Any:
        found = self._methods.get(method.lower())
        name = found[0] if found else method
        try:
            if found is None:
                raise method_not_found()
            result = await self._run(name, found[1], params)
        except ApiError as error:
            self._log(name, params, error.status, error.description)
            raise
        self._log(name, params, 200, None)
        return result

    async def _run(self, name: str, handler: Method, params: Params) -> Any:
        chat_id = _chat_id(params)
        fault = self.faults.take(name, chat_id)
        if fault is not None:
            await apply_fault(fault, self.state.closing)
        if self.flood is not None and name in SENDING:
            self.flood.admit(chat_id)
        return await handler(params)

    def _log(self, name: str, params: Params, status: int, description: str | None) -> None:
        self.stats.calls.append(ApiCall(name, params.loggable(), status, description))
        self.stats.by_method[name] += 1
        self.stats.by_status[status] += 1


def _chat_id(params: Params) -> int | None:
    try:
        return params.optional_integer("chat_id")
    except ApiError:
        return None
