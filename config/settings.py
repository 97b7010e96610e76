"""Settings from HONORFLOW_* environment variables and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

WORKFLOWS_DIR = Path(__file__).parent / "workflows"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HONORFLOW_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="where the embedded default keeps files"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite file if unset"
    )
    broker_url: str | None = None
    task_queue: str = Field(
        default="honorflow", description="the Celery queue tasks are sent to and workers read"
    )
    admin_email: str = "office@example.org"
    smtp_host: str | None = Field(default=None, description="SMTP server; .eml files if unset")
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 30.0
    mail_from: str = "laomo@example.org"
    mail_from_name: str = "劳模评选工作办公室"
    mail_folder: Path | None = Field(
        default=None, description="where .eml files go without SMTP; data_dir/mail if unset"
    )
    site_url: str = "http://127.0.0.1:8000"
    digest_hour: int = Field(default=8, ge=0, le=23, description="Shanghai hour of the digest")
    attachments_dir: Path | None = Field(
        default=None, description="where attachments are stored; data_dir/attachments if unset"
    )
    attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1, description="the largest attachment accepted, in bytes"
    )

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'honorflow.sqlite3').as_posix()}"

    def shown_database_url(self) -> str:
        """The database URL as logs and start-up lines may show it: without its password."""
        return make_url(self.resolved_database_url()).render_as_string(hide_password=True)

    def resolved_mail_folder(self) -> Path:
        """The configured .eml folder, or `mail` in the data folder."""
        return self.mail_folder if self.mail_folder is not None else self.data_dir / "mail"

    def resolved_attachments_dir(self) -> Path:
        """The configured attachments folder, or `attachments` in the data folder."""
        return self.attachments_dir or self.data_dir / "attachments"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
