"""`honorflow campaign office`: the campaign office (the notice's 落款, telephone, postal
address and postcode, e-mail) and the notice's wording; the options `campaign create` takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from workflow.campaign_office import OfficeInput
from workflow.services import campaign_office, campaigns

F = TypeVar("F", bound=Callable[..., Any])
# (option, OfficeInput field, help)
OFFICE_OPTIONS = (
    ("--office-name", "office_name", "the issuing office (落款) printed on the notice"),
    ("--office-phone", "office_phone", "telephone with area code, e.g. 0791-86123456"),
    ("--office-address", "office_address", "postal address"),
    ("--office-postcode", "office_postcode", "postcode (6 digits)"),
)


def office_options(func: F) -> F:
    """The campaign office's options (each left out keeps its value)."""
    for flag, field, text in reversed(OFFICE_OPTIONS):
        func = click.option(flag, field, help=text)(func)
    return func


def office_input(values: dict[str, Any]) -> OfficeInput | None:
    """The office values given on the command line, or None when none was."""
    given = {field: values.get(field) for _, field, _ in OFFICE_OPTIONS}
    given |= {k: values.get(k) for k in ("admin_email", "notice_title", "notice_opening")}
    return OfficeInput(**given) if any(v is not None for v in given.values()) else None


@click.command("office")
@click.argument("campaign_ref")
@office_options
@click.option("--email", "admin_email", help="the office's mailbox (mail to the office goes here)")
@click.option("--title", "notice_title", help='the title ("" for the default)')
@click.option("--opening", "notice_opening", help='its opening paragraph ("" for the default)')
@actor_option()
@pass_runtime
def office(rt: Runtime, /, campaign_ref: str, actor_spec: str, actor_name: str | None,
           **values: Any) -> None:  # fmt: skip
    """Set the campaign office and the notice's wording (administrators); shows the result."""
    data = office_input(values) or OfficeInput()
    with rt.uow() as uow:
        target = campaigns.find_campaign(uow, campaign_ref)
        actor = resolve_actor(uow, actor_spec, actor_name)
        found = campaign_office.set_office(uow, target.id, data, actor, now_utc())
        code = target.code
    shown = {"campaign": code, **vars(found)}
    rt.emit(shown, words.say("office_set", campaign=code, office=found.name) + "\n" + _lines(found))


def _lines(found: Any) -> str:
    values = (found.phone, found.address, found.postcode, found.email, found.title)
    return "\n".join(f"  {v}" for v in values if v)
