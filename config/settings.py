"""Settings from HONORFLOW_* environment variables and an optional .env file."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.redact import mask_url

WORKFLOWS_DIR = Path(__file__).parent / "workflows"
MIB = 1024 * 1024
# Paths whose bodies have a cap of their own: uploads larger, the anonymous objection smaller.
DEFAULT_BODY_LIMITS: dict[str, int] = {
    "/api/nominations/import": 20 * MIB,
    "/unit/import": 20 * MIB,
    "*/quota/import": 20 * MIB,
    # Page forms that carry files: an objection as recorded, a unit's answer with its report.
    "/office/objections": 20 * MIB,
    "/objections/*/answer": 20 * MIB,
    "*/attachments*": 20 * MIB,
    "/api/notice/*/objections": 64 * 1024,
    "/notice/*/objections": 64 * 1024,
}


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
    log_format: Literal["plain", "json"] = Field(
        default="plain", description="log lines: plain text, or one JSON object a line"
    )
    digest_hour: int = Field(default=8, ge=0, le=23, description="Shanghai hour of the digest")
    dot_path: str = Field(
        default="dot", description="Graphviz's dot program (a name on PATH or a path)"
    )
    dot_timeout: float = Field(default=10.0, gt=0, description="seconds dot may take")
    # Hardening (README "Hardening").
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="the largest request body on most paths"
    )
    body_limits: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_BODY_LIMITS),
        description="path patterns with their own body cap (JSON); replaces the defaults",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="proxy addresses or networks whose X-Forwarded-For counts (JSON list)",
    )

    # Rate limits (README "Hardening"): moving windows by the `limits` library.
    rate_limit_storage: str = Field(
        default="memory://",
        description="where limits count: redis://host:port/db shared, memory:// per process",
    )
    login_failures_per_account: int = Field(
        default=5, ge=1, description="failed logins of one account (any address) before a lockout"
    )
    login_failures_per_address: int = Field(
        default=10, ge=1, description="failed logins from one address (any account) per window"
    )
    login_window_minutes: int = Field(default=5, ge=1, description="the login limits' window")
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="the first lockout; each further one doubles it"
    )
    login_lockout_max_minutes: int = Field(
        default=24 * 60, ge=1, description="the longest lockout the doubling reaches"
    )
    objections_per_address_hour: int = Field(
        default=10, ge=1, description="public objection attempts from one address per hour"
    )
    objections_per_nominee_hour: int = Field(
        default=5, ge=1, description="public objections to one nominee per hour"
    )
    challenge_minutes: int = Field(
        default=30, ge=1, description="how long the objection form's question stays good"
    )
    challenge_key: SecretStr | None = Field(
        default=None, min_length=32, description="signs the form's question; random per process"
    )

    cookie_secure: bool | None = Field(
        default=None, description="Secure session cookies; if unset, when site_url is https"
    )
    audit_key: SecretStr | None = Field(
        default=None, min_length=32, description="the audit chain's key; else the key file"
    )
    audit_key_file: Path | None = Field(
        default=None, description="where the audit keys are kept; data_dir/audit.key if unset"
    )
    audit_keys_old: list[SecretStr] = Field(
        default_factory=list,
        description="keys rotated out, beside audit_key: they verify what they sealed (JSON list)",
    )
    audit_anchor_file: Path | None = Field(
        default=None, description="where audit anchors are appended; data_dir/audit-anchors.log"
    )
    audit_anchor_hour: int | None = Field(
        default=3, ge=0, le=23, description="the hour (Beijing) of the daily anchor; none: off"
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)  # a ValueError names the bad entry
        return value

    # Operations (README "Running in production").
    metrics_token: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="bearer token /metrics asks for; without one only loopback may read it",
    )

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
        return mask_url(self.resolved_database_url())

    def resolved_audit_key_file(self) -> Path:
        """The configured audit key file, or `audit.key` in the data folder."""
        return self.audit_key_file or self.data_dir / "audit.key"

    def resolved_audit_anchor_file(self) -> Path:
        """The configured anchor file, or `audit-anchors.log` in the data folder."""
        return self.audit_anchor_file or self.data_dir / "audit-anchors.log"

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
