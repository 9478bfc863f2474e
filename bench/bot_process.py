"""The bot alone in a process of its own, for the mark benchmarks: the emulator and the emulated
teachers run in the benchmark's process, as Telegram and the phones run elsewhere, so that their
work is not counted as the bot's. ``--dispatcher``: the bot's own (real), the same with the mark
handler only answering (floor), or aiogram alone (bare). The clock stands still at ``--clock``.

    python -m bench.bot_process --database-url URL --token T --api-url URL --clock ISO
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import logging
import os
from collections.abc import Callable

from aiogram import Dispatcher

from app.runner import keep_startup_out_of_collections
from bench.marks import bare_dispatcher, floor_dispatcher
from bot.context import BotContext
from bot.factory import build_bot, build_dispatcher
from core.ports import FrozenClock
from storage.db import create_engine
from storage.uow import Database


def _bare(_ctx: BotContext) -> Dispatcher:
    return bare_dispatcher()


DISPATCHERS: dict[str, Callable[[BotContext], Dispatcher]] = {
    "real": build_dispatcher,
    "floor": floor_dispatcher,
    "bare": _bare,
}


async def serve(args: argparse.Namespace) -> None:
    db = Database(create_engine(args.database_url))
    clock = FrozenClock(dt.datetime.fromisoformat(args.clock))
    # the limiter still runs; a benchmark teacher taps faster than the bot lets a person
    ctx = BotContext(db=db, clock=clock, flood_updates=1_000_000)
    dp = DISPATCHERS[args.dispatcher](ctx)
    bot = build_bot(args.token, args.api_url)
    keep_startup_out_of_collections()  # as dnevnik run does
    try:
        await dp.start_polling(bot, handle_signals=True, close_bot_session=True)
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--clock", required=True)
    parser.add_argument("--dispatcher", choices=sorted(DISPATCHERS), default="real")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    profile = os.environ.get("DNEVNIK_BENCH_PROFILE")  # a file: where the bot's profile goes
    if not profile:
        asyncio.run(serve(args))
        return
    with cProfile.Profile() as profiler:
        asyncio.run(serve(args))
    profiler.dump_stats(f"{profile}.{args.dispatcher}")


if __name__ == "__main__":
    main()
