"""`honorflow demo`: a whole campaign, simulated, on the configured database."""

from __future__ import annotations

import time
from typing import Any

import click
from rich.console import Console

from cli import words
from cli.commands_campaign import format_composition
from cli.demo_progress import PhaseBars
from cli.runtime import Runtime, pass_runtime
from config.catalogue import msg
from config.settings import WORKFLOWS_DIR
from demo.mail import MailSender, clear_folder, sends_beside_the_round, where
from demo.report import demo_report
from demo.scales import DEFAULT_SCALE, SCALES, scale_units
from demo.scenario import DemoScenario
from models import Base
from models.migrate import is_empty, upgrade
from workflow.errors import InvalidState


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option("--reset", is_flag=True, help="drop everything in the configured database first")
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option(
    "--scale",
    type=click.Choice(list(SCALES)),
    default=DEFAULT_SCALE,
    show_default=True,
    help="small (a few units), province (19 units) or national (608 units, ~10,000 nominees)",
)
@pass_runtime
def demo(rt: Runtime, reset: bool, seed: int, scale: str) -> None:
    """Generate a realistic provincial campaign and run it through every stage."""
    size = SCALES[scale]
    engine = rt.engine
    if reset:
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    elif not is_empty(engine):
        database = rt.wiring.settings.shown_database_url()
        raise InvalidState(
            msg("error.demo.not_empty", database=database, command="honorflow demo --reset")
        )
    upgrade(engine)
    if reset:
        clear_folder(rt.wiring.settings)
    started = time.perf_counter()
    beside = sends_beside_the_round(engine.dialect.name)
    with (
        MailSender(beside_the_round=beside) as mail_sender,
        PhaseBars(Console(stderr=True), shown=not rt.json_output, lines=size.phase_lines) as bars,
    ):
        scenario = DemoScenario(
            rt.sf,
            WORKFLOWS_DIR / "jiangxi-labour-model.yaml",
            seed,
            bars.progress,
            units=scale_units(size),
            phase_done=bars.phase_done,
        )
        campaign_id = scenario.run()
        with bars.phase("mail"):  # what was not sent beside the round, if any was
            sent = mail_sender.finish(rt.wiring)
        with bars.phase("report"), rt.uow() as uow:
            report = demo_report(uow, campaign_id, scenario.log)
    report["mail"] = {"results": dict(sent), "where": where(rt.wiring.settings)}
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["database"] = rt.url
    rt.emit(report, format_report(report))


def format_report(r: dict[str, Any]) -> str:
    """The demo report as text, in HONORFLOW_LOCALE: codes by their labels."""
    campaign = r["campaign"]
    lines = [
        words.say("demo_title", title=campaign["title"], code=campaign["code"],
                  phase=words.phase(campaign["phase"])),
        "",
        words.say("demo_funnel_head"),
    ]  # fmt: skip
    lines += [
        f"  {words.pad(words.label('state', row['state']), 34)} {row['entered']:>7} {row['now']:>6}"
        for row in r["funnel"]
    ]
    lines += [
        "",
        words.say("demo_refused", counts=_counts(r["refused_at_submission"], "rule")),
        words.say("demo_failed", counts=_counts(r["failed_qualification"], "rule")),
        words.say("demo_stepped_up", n=r["alternates_stepped_up"]),
        words.say("demo_objections", counts=_counts(r["objections"], "objection")),
    ]
    decision = r["decision"]
    if decision.get("refused_first"):
        lines.append(words.say("demo_refused_first", reasons="；".join(decision["refused_first"])))
    lines.append(
        words.say(
            "decided", awarded=decision.get("awarded"), not_approved=decision.get("not_approved")
        )
        + (
            words.say("decided_override", reason=decision["override"])
            if decision.get("override")
            else ""
        )
    )
    lines += [
        "",
        words.say("demo_composition"),
        format_composition(r["composition"]["list_size"], r["composition"]["rules"]),
    ]
    mail = {words.say("relay_" + k.replace(" ", "_")): n for k, n in r["mail"]["results"].items()}
    lines += [
        "",
        words.say("demo_deadlines", counts=_counts(r["deadlines_fired"], "deadline_kind")),
        words.say("demo_emails", counts=_counts(r["emails_queued"], "mail_kind")),
        words.say("demo_mail", counts=_counts(mail), where=r["mail"]["where"]),
    ]
    audit = r["audit"]
    lines.append(
        words.say("chain_ok", n=audit["events"])
        if audit["ok"]
        else words.say("chain_broken", seq="-", problem=audit["problem"])
    )
    lines.append(words.say("demo_done", seconds=r["seconds"], database=r["database"]))
    return "\n".join(lines)


def _counts(counts: dict[str, int], area: str | None = None) -> str:
    """`label n` items joined the locale's way; codes by their labels when an area is given."""
    items = [f"{words.label(area, k) if area else k} {v}" for k, v in counts.items()]
    return words.joined(items) if items else words.say("none")
