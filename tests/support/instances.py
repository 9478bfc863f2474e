"""Several bot instances on loopback behind one address, for the several-instances test.

``RoundRobinProxy`` stands where nginx would (``upstream`` with several servers): each POST goes
to the next instance in turn; an instance that does not answer makes a 502, as nginx does for a
POST by default (no ``non_idempotent`` retry), and the emulator — like Telegram — delivers the
update again later, so the retry lands on the next instance. ``Instance`` is one
`tests.support.instance_main` process with its log kept for the test to read.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientConnectorError, ClientError, ClientSession, ClientTimeout, web

ROOT = Path(__file__).resolve().parents[2]
LEADS = "this process runs the scheduled jobs"
FORWARDED_HEADERS = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RoundRobinProxy:
    """Like nginx's ``upstream`` of several servers: requests in turn; an instance that refuses
    the connection is skipped for ``fail_timeout`` seconds and the request goes to the next one
    (nothing was sent); an instance that dies after the request was sent makes a 502, since a
    POST is not passed on then (no ``non_idempotent``), and the emulator — like Telegram —
    delivers the update again later."""

    def __init__(self, backends: list[str], fail_timeout: float = 10.0) -> None:
        self.backends = backends
        self.fail_timeout = fail_timeout
        self.answered: Counter[int] = Counter()  # 2xx by backend index
        self.failed: Counter[int] = Counter()  # 502s by backend index
        self._next = 0
        self._down_until: dict[int, float] = {}
        self._runner: web.AppRunner | None = None
        self._http: ClientSession | None = None
        self.url = ""

    async def __aenter__(self) -> RoundRobinProxy:
        self._http = ClientSession(timeout=ClientTimeout(total=30))
        app = web.Application()
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.create_server(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    def _order(self) -> list[int]:
        now = asyncio.get_running_loop().time()
        first = self._next % len(self.backends)
        self._next += 1
        order = [(first + i) % len(self.backends) for i in range(len(self.backends))]
        up = [i for i in order if self._down_until.get(i, 0) <= now]
        return up or order

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        headers = {k: v for k, v in request.headers.items() if k in FORWARDED_HEADERS}
        body = await request.read()
        for index in self._order():
            try:
                url = self.backends[index] + request.path
                async with self._http.post(url, data=body, headers=headers) as answer:
                    reply = await answer.read()
                    counter = self.answered if 200 <= answer.status < 300 else self.failed
                    counter[index] += 1
                    return web.Response(
                        status=answer.status, body=reply, content_type=answer.content_type
                    )
            except ClientConnectorError:  # refused: nothing was sent, the next one gets it
                self._down_until[index] = asyncio.get_running_loop().time() + self.fail_timeout
            except (ClientError, TimeoutError):  # sent, then lost: not passed on
                self.failed[index] += 1
                return web.Response(status=502, text="Bad Gateway")
        return web.Response(status=502, text="Bad Gateway")


@dataclass
class Instance:
    """One child of `tests.support.instance_main`, with its log file."""

    port: int
    pid: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return False
        return stat.rpartition(")")[2].split()[0] != "Z"

    @property
    def log(self) -> list[str]:
        try:
            return self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []

    @property
    def leads(self) -> bool:
        """Whether this instance took the scheduled jobs (once taken, kept until it stops)."""
        return self.logged(LEADS) > 0

    def logged(self, text: str) -> int:
        return sum(text in line for line in self.log)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no answer to the update in progress, leases left behind."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    async def wait_listening(self, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while self.logged("listening on") == 0:
                if not self.alive:
                    raise RuntimeError("instance died at start:\n" + "\n".join(self.log[-30:]))
                await asyncio.sleep(0.05)


@dataclass
class Fleet:
    """The launcher process and its instances."""

    process: asyncio.subprocess.Process
    instances: list[Instance] = field(default_factory=list)

    async def stop(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """SIGTERM to every instance (through the launcher), SIGKILL past ``timeout``."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            for instance in self.instances:
                instance.kill()
            await self.process.wait()


async def start_fleet(ports: list[int], log_dir: Path, env: dict[str, str]) -> Fleet:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.instance_main",
        *(str(port) for port in ports),
        cwd=ROOT,
        env={**os.environ, "WEBHOOK_LISTEN_HOST": "127.0.0.1", "TEST_LOG_DIR": str(log_dir), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    fleet = Fleet(process)
    assert process.stdout is not None
    async with asyncio.timeout(60):
        while len(fleet.instances) < len(ports):
            line = (await process.stdout.readline()).decode()
            if not line:
                raise RuntimeError("the launcher stopped before starting every instance")
            port, pid = (int(word) for word in line.split())
            fleet.instances.append(Instance(port, pid, log_dir / f"instance-{port}.log"))
    return fleet
