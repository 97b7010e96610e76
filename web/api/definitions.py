"""Workflow definitions: list versions, validate a YAML text, publish one, draw its diagram."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from config import catalogue
from config.catalogue import msg
from models import DefinitionVersion
from models.uow import UnitOfWork
from web.deps import CurrentActor, Now, Uow, off_the_loop
from web.errors import ApiError, request_locale
from web.graphviz import run_dot
from workflow.actors import Actor
from workflow.bounded_yaml import MAX_CHARS
from workflow.definition_loading import load_definition_text
from workflow.diagram_dot import workflow_dot
from workflow.errors import DefinitionError, DefinitionRefused
from workflow.machine import NominationMachine
from workflow.queries.campaigns import definition_versions
from workflow.repository import get
from workflow.services.definitions import machine_of, publish_definition

router = APIRouter(tags=["definitions"])
MAX_SIZE = MAX_CHARS  # bytes: definitions are a few kilobytes
SOURCE = "definition"
# Both ways to send a definition, so the OpenAPI document describes them.
YAML_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


class VersionOut(BaseModel):
    id: int
    name: str
    version: int
    key: str
    checksum: str
    loaded_at: datetime


class DefinitionProblem(BaseModel):
    path: str
    message: str


class ValidationOut(BaseModel):
    valid: bool
    name: str | None = None
    states: list[str] = []
    errors: list[DefinitionProblem] = []


class PublishedOut(BaseModel):
    id: int
    key: str
    created: bool


async def _yaml_text(request: Request) -> tuple[str, str]:
    """The definition sent as a text body or a multipart `file`; returns (text, file name)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "invalid", msg("error.web.send_file", field="file"), field="file")
        raw, name = await upload.read(MAX_SIZE + 1), Path(upload.filename or SOURCE).name
    else:
        raw, name = await request.body(), SOURCE
    if len(raw) > MAX_SIZE:
        raise ApiError(413, "too_large", msg("error.web.too_large", limit=MAX_SIZE))
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError:
        raise ApiError(422, "invalid", msg("error.web.not_utf8"), field="body") from None


_LINE = re.compile(r"^(?P<source>[^:]*): (?:(?P<path>[^:\s]+): )?(?P<message>.*)$", re.S)


def _problems(exc: DefinitionError, locale: str) -> list[DefinitionProblem]:
    """Split the error's lines ('source: key.path: problem') into key paths and messages."""
    found = []
    for line in exc.text(locale).splitlines():
        match = _LINE.match(line)
        path = (match.group("path") if match else None) or catalogue.text(
            "error.web.top_level", locale
        )
        found.append(
            DefinitionProblem(path=path, message=match.group("message") if match else line)
        )
    return found


@router.get("/definitions", response_model=list[VersionOut])
def list_versions(uow: Uow, actor: CurrentActor) -> list[VersionOut]:
    """Every stored definition version, by name and version."""
    rows = definition_versions(uow, newest_first=False)
    return [
        VersionOut(
            id=r.id,
            name=r.name,
            version=r.version,
            key=r.key,
            checksum=r.checksum,
            loaded_at=r.loaded_at,
        )
        for r in rows
    ]


@router.post("/definitions/validate", response_model=ValidationOut, openapi_extra=YAML_BODY)
async def validate(request: Request, actor: CurrentActor) -> ValidationOut:
    """Check a definition without storing it: every error with its key path."""
    text, name = await _yaml_text(request)
    # Parsing and validating is CPU work: off the event loop, so other requests go on.
    return await off_the_loop(_validated, text, name, request_locale(request))


def _validated(text: str, name: str, locale: str) -> ValidationOut:
    """The validation answer; a text refused before reading it (aliases, depth) is a 422."""
    try:
        definition, _ = load_definition_text(text, name)
    except DefinitionRefused:
        raise
    except DefinitionError as exc:
        return ValidationOut(valid=False, errors=_problems(exc, locale))
    states = NominationMachine(definition).states
    return ValidationOut(valid=True, name=definition.name, states=states)


@router.post("/definitions", response_model=PublishedOut, status_code=201, openapi_extra=YAML_BODY)
async def publish(request: Request, actor: CurrentActor, uow: Uow, now: Now) -> PublishedOut:
    """Store a definition (administrators): changed content becomes a new version."""
    text, name = await _yaml_text(request)
    return await off_the_loop(_published, uow, actor, text, name, now)


def _published(uow: UnitOfWork, actor: Actor, text: str, name: str, now: datetime) -> PublishedOut:
    """Validate, then store: run in a worker thread, as it parses and writes."""
    load_definition_text(text, name)  # refuse before touching the disk, with clean key paths
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "definition.yaml"  # never the client's name: it could be '..'
        path.write_text(text, encoding="utf-8")
        row, created = publish_definition(uow, actor, path, now)
    return PublishedOut(id=row.id, key=row.key, created=created)


DIAGRAM_TYPES = {
    "mermaid": "text/plain; charset=utf-8",
    "dot": "text/vnd.graphviz; charset=utf-8",
    "svg": "image/svg+xml",
}


@router.get("/definitions/{definition_id}/diagram", response_class=PlainTextResponse)
def diagram(
    definition_id: int,
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    current: str | None = Query(default=None, max_length=40, pattern=r"^[A-Za-z0-9_]+$"),
    kind: Literal["mermaid", "dot", "svg"] = Query(default="mermaid", alias="format"),
) -> Response:
    """The definition's state diagram: Mermaid text (default), Graphviz DOT, or SVG drawn by dot.

    State ids stay codes; labels, edges and notes are in the request's language. SVG needs
    Graphviz's `dot` (setting `HONORFLOW_DOT_PATH`): without it the answer is 503.
    """
    row = get(uow, DefinitionVersion, definition_id, "definition")
    machine, locale = machine_of(row), request_locale(request)
    if kind == "mermaid":
        body = machine.mermaid(current, locale)
    else:
        body = workflow_dot(machine, current, locale)
    if kind == "svg":
        settings = request.app.state.wiring.settings
        drawn = run_dot(body, settings.dot_path, settings.dot_timeout)
        if drawn is None:
            raise ApiError(503, "diagram_unavailable", msg("error.web.diagram_unavailable"))
        body = drawn
    return Response(body, media_type=DIAGRAM_TYPES[kind])
