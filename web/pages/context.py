"""Who is looking at a page: the logged-in user, the actor they act as, their CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from models import User
from web.deps import LoginRequired, Uow, ensure_csrf_cookie, page_session
from workflow.access import has_role
from workflow.actors import Actor
from workflow.services import users


@dataclass(frozen=True)
class Viewer:
    """A logged-in person as the pages see them."""

    user: User
    actor: Actor
    csrf: str

    @property
    def role(self) -> str:
        return self.user.role

    def has(self, *roles: str) -> bool:
        """Whether the viewer holds one of the roles (an admin holds them all); for navigation."""
        return has_role(self.actor, *roles)


def optional_viewer(request: Request, uow: Uow) -> Viewer | None:
    """The viewer behind the session cookie, or None (read in the request's unit of work,
    without the write lock: `web.deps.page_session`)."""
    found = page_session(request, uow)
    if found is None:
        return None
    user, csrf = found
    return Viewer(user, users.actor_of(user), csrf)


def required_viewer(request: Request, uow: Uow) -> Viewer:
    """The logged-in viewer, or a redirect to the login page and back."""
    viewer = optional_viewer(request, uow)
    if viewer is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    if viewer.user.must_change_password and not request.url.path.startswith("/account"):
        # A one-time password from an administrator: the person sets their own first.
        raise LoginRequired("/account", location="/account")
    return viewer


MaybeViewer = Annotated[Viewer | None, Depends(optional_viewer)]
LoggedIn = Annotated[Viewer, Depends(required_viewer)]


def home_for(viewer: Viewer) -> str:
    """Where a person lands after logging in."""
    return home_for_role(viewer.role)


def home_for_role(role: str) -> str:
    """The landing page of a role."""
    homes = {"admin": "/admin", "unit_clerk": "/unit", "committee_secretary": "/committee"}
    return homes.get(role, "/inbox")


def anonymous_form(request: Request, build: Callable[[str], Response]) -> Response:
    """A page with a form for people not logged in: double-submit CSRF cookie and field."""
    holder = Response()
    token = ensure_csrf_cookie(request, holder)
    page = build(token)
    page.raw_headers.extend((k, v) for k, v in holder.raw_headers if k == b"set-cookie")
    return page
