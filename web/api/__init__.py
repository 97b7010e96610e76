"""The HTTP API: one small router per area, all mounted under /api."""

from __future__ import annotations

from fastapi import APIRouter

from web.api import (
    attachments,
    audit,
    auth,
    campaigns,
    definitions,
    nominations,
    objections,
    outbox,
    tasks,
    users,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    users.router,
    campaigns.router,
    definitions.router,
    nominations.router,
    tasks.router,
    objections.router,
    attachments.router,
    audit.router,
    outbox.router,
)
