"""The arrows of DESIGN.md: core imports no I/O library and none of the project's outer packages."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_CORE = {
    "sqlalchemy",
    "alembic",
    "aiogram",
    "aiohttp",
    "aiosqlite",
    "asyncpg",
    "matplotlib",
    "openpyxl",
    "fpdf",
    "pydantic_settings",
    "typer",
    "rich",
    "app",
    "storage",
    "bot",
    "documents",
    "notifications",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_nothing_outside_core_and_the_standard_library() -> None:
    offenders = {
        str(path.relative_to(ROOT)): bad
        for path in (ROOT / "core").rglob("*.py")
        if (bad := imported_modules(path) & FORBIDDEN_IN_CORE)
    }
    assert offenders == {}


def test_storage_and_documents_do_not_import_bot_or_app() -> None:
    for package in ("storage", "documents", "notifications"):
        for path in (ROOT / package).rglob("*.py"):
            assert not imported_modules(path) & {"app", "bot"}, path
