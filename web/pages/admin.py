"""Administrators' pages: the campaign dashboard, the quota table, users, failed emails."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from models.scheduling import FAILED
from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check
from web.pages.context import LoggedIn
from web.pages.helpers import page_globals, refusal, say, status_for
from web.pages.pictures import page_composition, page_funnel
from web.pages.render import render
from workflow.errors import HonorflowError
from workflow.queries.accounts import known_departments, known_units
from workflow.queries.calendar import calendar_gaps
from workflow.queries.campaigns import (
    campaigns_newest_first,
    current_campaign,
    overdue_by_department,
    quota_table,
)
from workflow.queries.funnel import stage_funnel
from workflow.services import accounts, mail, reports, users
from workflow.services.definitions import definition_of
from workflow.versions import composition_rules_of

router = APIRouter()


def _composition(uow: UnitOfWork, campaign: Any) -> tuple[str, int, Any]:
    """The final list once there is one, else every submitted main nomination."""
    size, results = reports.composition(uow, campaign, "final")
    scope = "final"
    if size == 0:
        scope = "submitted"
        size, results = reports.composition(uow, campaign, scope)
    return scope, size, results


@router.get("/admin")
def dashboard(
    request: Request, viewer: LoggedIn, uow: Uow, now: Now, campaign: str = ""
) -> Response:
    """Funnel per stage, overdue tasks per department, composition chart, failed emails."""
    chosen = current_campaign(uow, campaign or None)
    definition = definition_of(chosen.definition)
    funnel, funnel_chart = page_funnel(request, stage_funnel(uow, viewer.actor, chosen), definition)
    scope, size, results = _composition(uow, chosen)
    chart = page_composition(request, results, composition_rules_of(chosen))
    context = {
        "campaign": chosen,
        "campaigns": campaigns_newest_first(uow),
        "definition": definition,
        "funnel": funnel,
        "funnel_chart": funnel_chart,
        "overdue": overdue_by_department(uow, viewer.actor, chosen.id, now),
        "scope": scope,
        "list_size": size,
        "results": results,
        "chart": chart,
        "failed": mail.list_messages(uow, viewer.actor, status=FAILED, limit=50),
        "calendar_gaps": calendar_gaps(uow, viewer.actor, now),
        **page_globals(uow, viewer),
    }
    return render(request, "admin_dashboard.html", context)


@router.post("/admin/outbox/{message_id}/retry", dependencies=[Depends(csrf_check)])
def retry_message(message_id: int, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Queue a failed email again."""
    mail.retry(uow, message_id, viewer.actor, now)
    return RedirectResponse("/admin#outbox", status_code=303)


@router.get("/admin/quotas")
def quotas(request: Request, viewer: LoggedIn, uow: Uow, campaign: str = "") -> Response:
    """The quota table with the places in use."""
    chosen = current_campaign(uow, campaign or None)
    rows = quota_table(uow, viewer.actor, chosen.id)
    context = {
        "campaign": chosen,
        "campaigns": campaigns_newest_first(uow),
        "rows": rows,
        "total": sum(r.places for r in rows),
        "used": sum(r.used for r in rows),
        **page_globals(uow, viewer),
    }
    return render(request, "admin_quotas.html", context)


def _users_page(
    request: Request,
    uow: UnitOfWork,
    viewer: Any,
    *,
    error: str | None = None,
    message: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    generated: str | None = None,
) -> Response:
    context = {
        "users": users.list_users(uow, viewer.actor),
        "roles": users.USER_ROLES,
        "departments": known_departments(uow),
        "units": known_units(uow),
        "generated": generated,
        "form": form or {},
        "error": error,
        "message": message,
        **page_globals(uow, viewer),
    }
    return render(request, "admin_users.html", context, status)


@router.get("/admin/users")
def users_page(request: Request, viewer: LoggedIn, uow: Uow) -> Response:
    """Every account, and a form to create one."""
    return _users_page(request, uow, viewer)


@router.post("/admin/users", dependencies=[Depends(csrf_check)])
def create_user(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    username: Annotated[str, Form(max_length=100)],
    display_name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=40)],
    department: Annotated[str, Form(max_length=40)] = "",
    unit_code: Annotated[str, Form(max_length=60)] = "",
    email: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Create an account; every problem is listed on the form."""
    form = {"username": username, "display_name": display_name, "role": role,
            "department": department, "unit_code": unit_code, "email": email}  # fmt: skip
    try:
        users.create_user(
            uow, username=username, display_name=display_name, password=password, role=role,
            department=department or None, unit_code=unit_code or None, email=email or None,
            actor=viewer.actor, now=now,
        )  # fmt: skip
    except HonorflowError as refused:
        return _users_page(
            request,
            uow,
            viewer,
            error=refusal(request, refused),
            form=form,
            status=status_for(refused),
        )
    message = say(request, "user_created", username=username)
    return _users_page(request, uow, viewer, message=message)


@router.post("/admin/users/{user_id}/deactivate", dependencies=[Depends(csrf_check)])
def deactivate_user(
    user_id: int, request: Request, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """Deactivate an account: its sessions and tokens stop working at once."""
    return _set_active(request, uow, viewer, user_id, False, now)


@router.post("/admin/users/{user_id}/activate", dependencies=[Depends(csrf_check)])
def activate_user(user_id: int, request: Request, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Let a deactivated account log in again."""
    return _set_active(request, uow, viewer, user_id, True, now)


def _set_active(
    request: Request, uow: UnitOfWork, viewer: Any, user_id: int, active: bool, now: Any
) -> Response:
    try:
        user, _ended = accounts.set_active(uow, user_id, active, viewer.actor, now)
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _users_page(request, uow, viewer, error=error, status=status_for(refused))
    key = "user_activated" if active else "user_deactivated"
    return _users_page(request, uow, viewer, message=say(request, key, username=user.username))


@router.post("/admin/users/{user_id}/reset-password", dependencies=[Depends(csrf_check)])
def reset_password(
    user_id: int,
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Set an account's password, or generate a one-time one shown once; its sessions end."""
    try:
        user, made, _ended = accounts.reset_password(
            uow, user_id, password or None, viewer.actor, now
        )
    except HonorflowError as refused:
        error = refusal(request, refused)
        return _users_page(request, uow, viewer, error=error, status=status_for(refused))
    message = say(request, "password_reset_done", username=user.username)
    return _users_page(request, uow, viewer, message=message, generated=made)
