"""`dnevnik run` as a real process against the emulator: polling and webhook, and a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from storage.uow import Database
from tests.support.seeded import seed_tiny_school

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_bot(
    database_url: str, emu: BotApiEmulator, *args: str, **env: str
) -> asyncio.subprocess.Process:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOT_TOKEN": emu.token,
        "TELEGRAM_API_URL": emu.base_url,
        "LOG_LEVEL": "INFO",
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "run",
        *args,
        cwd=ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, err.decode()
    return err.decode()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_the_bot_answers_and_stops_cleanly(
    db: Database, database_url: str, mode: str
) -> None:
    await seed_tiny_school(db)
    async with BotApiEmulator() as emu:
        if mode == "polling":
            process = await start_bot(database_url, emu)
        else:
            port = free_port()
            process = await start_bot(
                database_url,
                emu,
                "--webhook",
                WEBHOOK_URL=f"http://127.0.0.1:{port}",
                WEBHOOK_LISTEN_PORT=str(port),
                WEBHOOK_SECRET="s3cret-for-tests",
            )
        try:
            if mode == "polling":
                await emu.wait_until_polled(timeout=30)
            else:
                for _ in range(300):
                    if emu.webhook is not None:
                        break
                    await asyncio.sleep(0.1)
            stranger = emu.user(id=777, first_name="Гость")
            await stranger.send("/start")
            greeting = await stranger.wait_for_message(timeout=20)
            assert "пришлите код доступа" in (greeting.text or "")
            assert ("start", "Начать и подключиться по коду") in emu.commands[("default", "")]
        except BaseException:
            process.kill()
            raise
        log = await stop(process)
    assert "database closed" in log and "bot stopped" in log


@pytest.mark.parametrize("command", ["run", "worker"])
def test_without_a_token_explains_what_to_do(tmp_path: Path, command: str) -> None:
    import subprocess

    env = {**os.environ, "BOT_TOKEN": "", "DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "app", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert "BOT_TOKEN" in output and "@BotFather" in output


def test_redis_away_at_start_is_said_plainly(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    env = {
        "BOT_TOKEN": "123:abc",
        "WEBHOOK_URL": "https://bot.example.ru",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
        "COLUMNS": "250",
    }
    result = CliRunner().invoke(app, ["run", "--webhook"], env=env)
    assert result.exit_code == 2
    assert "Redis не отвечает по адресу из REDIS_URL (redis://127.0.0.1:1/0)" in result.output
    assert "Traceback" not in result.output
