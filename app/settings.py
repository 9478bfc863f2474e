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
    bot_username: str = Field(
        default="",
        description="The bot's @username for links on code slips; empty: asked from Telegram",
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org", description="Bot API server (or a local one)"
    )
    default_timezone: str = Field(
        default="Europe/Moscow", description="Time zone of a school created without one"
    )
    backup_dir: Path = Field(default=Path("backups"), description="Where backups are written")
    backup_keep_daily: int = Field(
        default=14, ge=1, le=366, description="Days whose newest backup is kept"
    )
    backup_keep_monthly: int = Field(
        default=12, ge=0, le=120, description="Months whose newest backup is kept"
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    code_ttl_days: int = Field(default=14, ge=1, le=365, description="How long access codes work")
    webhook_url: str = Field(
        default="", description="Public HTTPS address Telegram posts updates to (webhook mode)"
    )
    webhook_secret: str = Field(
        default="", description="Secret token Telegram sends with each update (webhook mode)"
    )
    webhook_listen_host: str = Field(default="127.0.0.1", description="Where the webhook listens")
    webhook_listen_port: int = Field(default=8080, description="Port the webhook listens on")
    notice_rate: float = Field(
        default=25.0, gt=0, le=30, description="Notices sent per second at most (Telegram: ~30)"
    )
    notices_in_bot: bool = Field(
        default=True, description="Deliver notices inside `dnevnik run` (else run `dnevnik worker`)"
    )
    scheduler: bool = Field(
        default=True,
        description="Take part in running the scheduled jobs (one process runs them at a time)",
    )
    remind_unacknowledged_days: int = Field(
        default=3, ge=1, le=30, description="Remind guardians of notices unacknowledged this long"
    )
    redis_url: str = Field(
        default="",
        description="Redis shared by several bot instances; empty: memory (one instance)",
    )
    redis_prefix: str = Field(
        default="dnevnik", description="Prefix of this deployment's keys in Redis"
    )
    instance_lease_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Several instances: after how long another one takes over an update or a"
        " conversation held by an instance that stopped answering",
    )
    shutdown_timeout: float = Field(
        default=20.0, description="Seconds to let updates in progress finish on stop"
    )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'dnevnik.sqlite3'}"
