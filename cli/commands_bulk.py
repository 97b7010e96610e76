"""`honorflow act --all …` and `honorflow submit --all …`: one trigger on every match.

The filter is the office list's (`NominationFilter`, the same as the page's URL and the API's
parameters); the work is the one bulk path (`workflow.services.bulk.act_on_each`): each
nomination in its own transaction, a result per nomination. The command exits 1 when any
nomination was refused.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from workflow.queries.nomination_search import BadInput, NominationFilter
from workflow.services import bulk


def register(cli: click.Group) -> None:
    cli.add_command(submit)


def filter_of(pairs: list[tuple[str, str | None]]) -> NominationFilter:
    """The options as the list's filter; a bad value is a usage error naming the option."""
    try:
        return NominationFilter.from_query([(k, v) for k, v in pairs if v])
    except BadInput as bad:
        raise _bad_option(bad) from None


def _bad_option(bad: BadInput) -> click.BadParameter:
    option = {"q": "search", "ids": "all", "filter": "all"}.get(bad.field, bad.field)
    return click.BadParameter(bad.text(words.locale()), param_hint=f"--{option}")


def run_bulk(
    rt: Runtime,
    where: NominationFilter,
    trigger: str,
    reason: str | None,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """Act on every match, print a line per nomination and the totals; exit 1 if any failed."""
    if where.campaign is None:
        raise click.UsageError(words.say("bulk_need_campaign"))
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
    try:
        results = bulk.act_on_each(
            rt.wiring.new_uow, actor, bulk.Selection(filter=where), trigger, now_utc(),
            reason=reason,
        )  # fmt: skip
    except BadInput as bad:
        raise _bad_option(bad) from None
    done, refused = bulk.summary(results)
    data = {
        "trigger": trigger,
        "done": done,
        "refused": refused,
        "results": [_row(r) for r in results],
    }
    lines = [_line(r) for r in results]
    lines.append(
        words.say(
            "bulk_summary",
            trigger=words.label("trigger", trigger),
            total=len(results),
            done=done,
            refused=refused,
        )
    )
    rt.emit(data, "\n".join(lines))
    if refused:
        sys.exit(1)  # click's own Exit would be swallowed by main's standalone_mode=False


def _row(r: bulk.ItemResult) -> dict[str, Any]:
    return {
        "id": r.id,
        "ok": r.ok,
        "code": r.code,
        "message": r.message.render(words.locale()),
        "state": r.state,
    }


def _line(r: bulk.ItemResult) -> str:
    name = f" {r.name}" if r.name else ""
    key = "bulk_item_ok" if r.ok else "bulk_item_refused"
    return words.say(key, id=r.id, name=name, message=r.message.render(words.locale()))


@click.command("submit")
@click.option("--all", "every", is_flag=True, required=True, help="every draft that matches")
@click.option("--campaign", "campaign_ref", required=True, help="campaign code")
@click.option("--unit", "unit_code", help="the unit's code (a clerk: their own)")
@click.option("--category", help="only this category")
@click.option("--search", "search", help="part of the name or employer")
@actor_option("unit_clerk")
@pass_runtime
def submit(
    rt: Runtime,
    every: bool,
    campaign_ref: str,
    unit_code: str | None,
    category: str | None,
    search: str | None,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """Submit every draft of a unit at once (quota and rules checked for each)."""
    where = filter_of(
        [("campaign", campaign_ref), ("stage", "draft"), ("unit", unit_code),
         ("category", category), ("q", search)]
    )  # fmt: skip
    run_bulk(rt, where, "submit", None, actor_spec, actor_name)
