"""Bot instances for the several-instances test: `python -m tests.support.instance_main PORT...`.

Imports the bot once (aiogram's types take seconds of CPU to build), then forks one process per
port, each `dnevnik run --webhook` (app.runner.run, settings from the environment) listening on
its port and logging to TEST_LOG_DIR/instance-PORT.log; prints "PORT PID" per child and waits
for them (SIGTERM is passed on). Each child is a process of its own, to be SIGKILLed alone.
What a test cannot wait for is made short, and the instances share a clock:

- the clock starts at TEST_CLOCK_START (ISO) at the real moment TEST_CLOCK_EPOCH (Unix seconds)
  and runs at the real pace, so the instances agree on the time and leases still expire;
- the notices worker leases notices for 3 s (not 120 s) and looks for stale ones every second;
  marks coalesce for 1 s (not 5 s), so that more notices are sent;
- a process that does not run the scheduled jobs asks again every 0.5 s (not 15 s);
- when the file TEST_LOG_DIR/die-before-commit-PORT appears, the instance on PORT kills itself
  (SIGKILL) as it is about to commit an update: nothing of it saved, Telegram not answered;
  with TEST_LOG_DIR/die-after-commit-PORT, right after the commit: the data in, the update
  marked done in Redis, the answer to the user not sent. A file may name the audited action
  the commit must carry (``mark.create``); empty, any commit of an update will do.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import sys
import time
import traceback
from functools import partial
from pathlib import Path
from typing import Any

import app.scheduled_jobs
import notifications.worker
from app.logs import setup_logging
from app.runner import run
from app.settings import Settings
from bot.middlewares import _CommitNotifyingUnitOfWork
from core.rules.notices import NoticeRules
from notifications.scheduler import Scheduler

WORKER_OPTIONS: dict[str, Any] = {
    "lease": 3.0,
    "recover_every": 1.0,
    "poll_interval": 0.1,
    "request_timeout": 2.0,
    "rules": NoticeRules(window=dt.timedelta(seconds=1), retry_base=dt.timedelta(seconds=1)),
}
SCHEDULER_RETRY = 0.5


class SharedClock:
    """The test's moment, moving on at the real pace; the same in every process."""

    def __init__(self, start: dt.datetime, epoch: float) -> None:
        self.start = start
        self.epoch = epoch

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.time() - self.epoch)


def serve(port: int, log_dir: Path) -> None:
    """In the child: the instance itself; never returns."""
    code = 0
    try:
        log = os.open(log_dir / f"instance-{port}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(log, 2)
        os.environ["WEBHOOK_LISTEN_PORT"] = str(port)
        _die_at_commit_when_asked(
            log_dir / f"die-before-commit-{port}", log_dir / f"die-after-commit-{port}"
        )
        _run_instance()
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def _die_at_commit_when_asked(before: Path, after: Path) -> None:
    commit = _CommitNotifyingUnitOfWork.commit

    committing = 0  # updates of this process between their commit and "done" in Redis

    def die_if(trigger: Path, actions: set[str]) -> None:
        try:
            wanted = trigger.read_text().strip()
        except FileNotFoundError:
            return
        # Not while another update is between its database commit and its "done" in Redis:
        # that moment is the ledger's known gap (bot/shared_state.py), not what is tested here.
        if (not wanted or wanted in actions) and committing == 0:
            trigger.unlink()
            os.kill(os.getpid(), signal.SIGKILL)

    async def commit_or_die(self: _CommitNotifyingUnitOfWork) -> None:
        nonlocal committing
        actions = {entry.action for entry in self._pending}
        die_if(before, actions)
        committing += 1
        try:
            await commit(self)
        finally:
            committing -= 1
        die_if(after, actions)

    _CommitNotifyingUnitOfWork.commit = commit_or_die  # type: ignore[method-assign]


def _run_instance() -> None:
    clock = SharedClock(
        dt.datetime.fromisoformat(os.environ["TEST_CLOCK_START"]),
        float(os.environ["TEST_CLOCK_EPOCH"]),
    )
    notifications.worker.run_worker = partial(notifications.worker.run_worker, **WORKER_OPTIONS)
    build_scheduler = app.scheduled_jobs.build_scheduler

    def quick_scheduler(*args: Any, **kwargs: Any) -> Scheduler:
        scheduler = build_scheduler(*args, **kwargs)
        scheduler.retry = SCHEDULER_RETRY
        return scheduler

    app.scheduled_jobs.build_scheduler = quick_scheduler
    settings = Settings()
    setup_logging(settings)
    asyncio.run(run(settings, webhook=True, clock=clock))


def main() -> None:
    log_dir = Path(os.environ["TEST_LOG_DIR"])
    children: list[int] = []
    for port in (int(arg) for arg in sys.argv[1:]):
        pid = os.fork()
        if pid == 0:
            serve(port, log_dir)
        children.append(pid)
        print(port, pid, flush=True)

    def pass_on(signum: int, frame: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    signal.signal(signal.SIGTERM, pass_on)
    for _ in children:  # reaped in any order: a killed child must not linger as a zombie
        os.wait()


if __name__ == "__main__":
    main()
