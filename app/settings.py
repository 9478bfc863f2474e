"""All configuration, from the environment or a .env file (see .env.example)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the SQLite file lives")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means the SQLite file data/dnevnik.sqlite3",
    )
    bot_token: str = Field(default="", description="Token from @BotFather")
    telegram_api_url: str = Field(
        default="https://api.telegram.org", description="Bot API server (or a local one)"
    )
    default_timezone: str = Field(
        default="Europe/Moscow", description="Time zone of a school created without one"
    )
    backup_dir: Path = Field(default=Path("backups"), description="Where backups are written")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'dnevnik.sqlite3'}"
