"""The HTTP API: one small router per area, all mounted under /api."""

from __future__ import annotations

from fastapi import APIRouter

from web.api import (
    attachments,
    audit,
    auth,
    campaign_admin,
    campaign_office,
    campaigns,
    committee,
    definitions,
    exports,
    nominations,
    nominations_bulk,
    objections,
    outbox,
    tasks,
    unit_desk,
    users,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    users.router,
    campaigns.router,
    committee.router,
    campaign_admin.router,
    campaign_office.router,
    definitions.router,
    nominations.router,
    nominations_bulk.router,
    tasks.router,
    objections.router,
    attachments.router,
    audit.router,
    outbox.router,
    unit_desk.router,
    exports.router,
)
