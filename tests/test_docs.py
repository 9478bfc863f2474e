"""The user-facing docs stay true to the code: every setting documented, every command in README."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from app.cli import app
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_env_example() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert {name.upper() for name in Settings.model_fields} <= documented


def test_readme_names_every_command() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in (
        "db upgrade",
        "template",
        "import",
        "demo-data",
        "demo",
        "summary",
        "audit verify",
        "audit show",
        "report",
        "backup",
        "backups",
        "restore",
        "archive",
        "compromise",
        "audit flagged",
        "audit revert",
        "worker",
    ):
        assert f"dnevnik {command}" in readme, command


def test_help_is_in_russian_for_every_command() -> None:
    runner = CliRunner()
    for args in (["--help"], ["import", "--help"], ["audit", "show", "--help"], ["db", "--help"]):
        result = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert re.search("[а-яА-Я]{4}", result.output), args
