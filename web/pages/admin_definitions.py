"""Workflow definitions: list the versions, upload a file to validate, publish it, diagram."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check, off_the_loop
from web.pages.context import LoggedIn, Viewer
from web.pages.definition_errors import annotate
from web.pages.helpers import page_globals, say
from web.pages.pictures import page_diagram
from web.pages.render import language, render
from workflow.bounded_yaml import MAX_CHARS
from workflow.definition import Definition
from workflow.definition_loading import load_definition_text
from workflow.errors import DefinitionError
from workflow.machine import NominationMachine
from workflow.queries.campaigns import administered_definition, administered_definitions
from workflow.services.definitions import definition_of, machine_of, publish_definition

router = APIRouter()
MAX_BYTES = MAX_CHARS
SAFE_NAME = "definition.yaml"


def _page(
    request: Request, uow: UnitOfWork, viewer: Viewer, status: int = 200, **extra: Any
) -> Response:
    context = {
        "versions": administered_definitions(uow, viewer.actor),
        "lines": None,
        "unplaced": [],
        "candidate": None,
        "source_text": "",
        "filename": "",
        "diagram": None,
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "admin_definitions.html", context, status)


@router.get("/admin/definitions")
def definitions_page(request: Request, viewer: LoggedIn, uow: Uow) -> Response:
    """The stored versions and the upload form."""
    return _page(request, uow, viewer)


def _check(
    request: Request, uow: UnitOfWork, viewer: Viewer, text: str, filename: str
) -> Response | Definition:
    """The validated definition, or the page showing every error next to its line."""
    try:
        definition, _raw = load_definition_text(text, filename)
    except DefinitionError as invalid:
        lines, unplaced = annotate(text, invalid.text(language(request)), filename)
        count = sum(len(x.problems) for x in lines) + len(unplaced)
        return _page(
            request, uow, viewer, 422, lines=lines, unplaced=unplaced, filename=filename,
            error=say(request, "definition_invalid", n=count),
        )  # fmt: skip
    return definition


@router.post("/admin/definitions/validate", dependencies=[Depends(csrf_check)])
async def validate(
    request: Request, viewer: LoggedIn, uow: Uow, file: Annotated[UploadFile, File()]
) -> Response:
    """Validate an uploaded YAML file; errors are shown in place, a valid file can be published."""
    data = await file.read(MAX_BYTES + 1)
    filename = Path(file.filename or SAFE_NAME).name
    # Parsing, validating and drawing are CPU work: off the event loop.
    return await off_the_loop(_validated_page, request, uow, viewer, data, filename)


def _validated_page(
    request: Request, uow: UnitOfWork, viewer: Viewer, data: bytes, filename: str
) -> Response:
    """The page after validating: the errors in place, or the diagram and the publish form."""
    if len(data) > MAX_BYTES:
        return _page(request, uow, viewer, 413, error=say(request, "file_too_large"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page(request, uow, viewer, 422, error=say(request, "file_not_utf8"))
    checked = _check(request, uow, viewer, text, filename)
    if isinstance(checked, Response):
        return checked
    diagram = page_diagram(request, NominationMachine(checked), None)
    return _page(
        request, uow, viewer, candidate=checked, source_text=text, filename=filename,
        diagram=diagram, message=say(request, "definition_valid", name=checked.name),
    )  # fmt: skip


@router.post("/admin/definitions/publish", dependencies=[Depends(csrf_check)])
def publish(
    request: Request,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    source_text: Annotated[str, Form(max_length=MAX_BYTES)],
    filename: Annotated[str, Form(max_length=200)] = SAFE_NAME,
) -> Response:
    """Store a validated definition: a new version when its content changed."""
    name = Path(filename).name or SAFE_NAME
    checked = _check(request, uow, viewer, source_text, name)
    if isinstance(checked, Response):
        return checked
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(source_text, encoding="utf-8")
        row, created = publish_definition(uow, viewer.actor, path, now)
    key = "definition_published" if created else "definition_unchanged"
    return _page(request, uow, viewer, message=say(request, key, key_name=row.key))


@router.get("/admin/definitions/{version_id}")
def version_page(request: Request, version_id: int, viewer: LoggedIn, uow: Uow) -> Response:
    """One stored version: its diagram and its source."""
    row = administered_definition(uow, viewer.actor, version_id)
    definition = definition_of(row)
    context = {
        "row": row,
        "definition": definition,
        "diagram": page_diagram(request, machine_of(row), f"{row.key}:{row.checksum}"),
        **page_globals(uow, viewer),
    }
    return render(request, "admin_definition.html", context)
