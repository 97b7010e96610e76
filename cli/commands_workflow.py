"""`honorflow workflow`: validate, load and show definitions."""

from __future__ import annotations

from pathlib import Path

import click

from cli import words
from cli.runtime import Runtime, now_utc, pass_runtime
from workflow.definition_loading import load_definition_file
from workflow.machine import NominationMachine
from workflow.queries.campaigns import find_definition
from workflow.services.definitions import definition_of, load_definition, machine_of


def register(cli: click.Group) -> None:
    cli.add_command(workflow)


@click.group()
def workflow() -> None:
    """Workflow definitions (YAML)."""


@workflow.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@pass_runtime
def validate(rt: Runtime, path: Path) -> None:
    """Check a definition file without loading it."""
    definition, _ = load_definition_file(path)
    machine = NominationMachine(definition)
    rt.emit(
        {"file": str(path), "valid": True, "name": definition.name, "states": machine.states},
        words.say(
            "definition_valid",
            path=str(path),
            title=definition.title,
            stages=len(definition.stages),
            states=len(machine.states),
        ),
    )


@workflow.command("load")
@click.argument("path", type=click.Path(path_type=Path))
@pass_runtime
def load(rt: Runtime, path: Path) -> None:
    """Store a definition; a changed file becomes a new version."""
    with rt.uow() as uow:
        row, created = load_definition(uow, path, now_utc())
        key = row.key
    rt.emit(
        {"definition": key, "created": created},
        words.say("definition_loaded" if created else "definition_unchanged", name=key),
    )


@workflow.command("show")
@click.argument("name")
@click.option("--version", "version", type=int, help="default: the newest")
@click.option("--mermaid", is_flag=True, help="print only the Mermaid state diagram")
@pass_runtime
def show(rt: Runtime, name: str, version: int | None, mermaid: bool) -> None:
    """Show a stored definition: stages, states and a Mermaid diagram."""
    with rt.uow() as uow:
        row = find_definition(uow, name, version)
        definition, machine = definition_of(row), machine_of(row)
        diagram = machine.mermaid(locale=words.locale())
        stages = [
            {
                "id": s.id,
                "kind": s.kind.value,
                "title": s.title,
                "duration_days": s.duration_days,
                "actors": [a.model_dump() for a in s.actors],
            }
            for s in definition.stages
        ]
        data = {
            "definition": row.key,
            "checksum": row.checksum,
            "stages": stages,
            "states": machine.states,
            "mermaid": diagram,
        }
    if mermaid:
        click.echo(diagram)
        return
    lines = [f"{data['definition']}  {definition.title}"]
    lines += [
        f"  {i}. {s['title']}（{words.label('stage_kind', str(s['kind']))}）"
        + (words.say("working_days", n=s["duration_days"]) if s["duration_days"] else "")
        for i, s in enumerate(stages, start=1)
    ]
    lines += ["", diagram]
    rt.emit(data, "\n".join(lines))
