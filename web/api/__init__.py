"""The HTTP API: one small router per area, all mounted under /api."""

from __future__ import annotations

from fastapi import APIRouter

from web.api import (
    audit,
    auth,
    campaigns,
    definitions,
    nominations,
    nominations_bulk,
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
    nominations_bulk.router,
    tasks.router,
    objections.router,
    audit.router,
    outbox.router,
)
