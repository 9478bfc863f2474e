"""The bot starts without the libraries that draw files (idle memory): matplotlib, openpyxl, fpdf2,
pypdf and Pillow are imported only when a chart, a workbook or a PDF is made."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"matplotlib", "openpyxl", "fpdf", "pypdf", "PIL", "numpy", "pandas"}

# what `dnevnik run` imports before the first update: the command, the runner, the notices worker,
# the scheduled jobs, the Bot and the whole Dispatcher with every router
STARTUP = """
import json, sys
import app.cli, app.runner, app.scheduled_jobs, notifications.worker
from bot.context import BotContext
from bot.factory import build_bot, build_dispatcher
from storage.db import create_engine
from storage.uow import Database
build_dispatcher(BotContext(db=Database(create_engine("sqlite+aiosqlite:///:memory:"))))
build_bot("1:x")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_starting_the_bot_imports_no_library_that_draws_files() -> None:
    done = subprocess.run(
        [sys.executable, "-c", STARTUP], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "aiogram" in loaded and "bot" in loaded  # the check looked at a started bot
    assert loaded & HEAVY == set()
