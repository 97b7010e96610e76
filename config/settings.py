"""Settings from HONORFLOW_* environment variables and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    admin_email: str = "office@example.org"

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'honorflow.sqlite3').as_posix()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
