"""`honorflow demo`: a whole campaign, simulated, on the configured database."""

from __future__ import annotations

import time
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.commands_campaign import format_composition
from cli.runtime import Runtime, now_utc, pass_runtime
from config.settings import WORKFLOWS_DIR
from demo.report import demo_report
from demo.scenario import DemoScenario
from models import Base
from models.migrate import is_empty, upgrade
from workflow.errors import InvalidState


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option("--reset", is_flag=True, help="drop everything in the configured database first")
@click.option("--seed", type=int, default=2026, show_default=True)
@pass_runtime
def demo(rt: Runtime, reset: bool, seed: int) -> None:
    """Generate a realistic provincial campaign and run it through every stage."""
    engine = rt.engine
    if reset:
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    elif not is_empty(engine):
        raise InvalidState(
            f"{rt.url} already holds data; run 'honorflow demo --reset' to wipe it and start over"
        )
    upgrade(engine)
    started = time.perf_counter()
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=rt.json_output,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        scenario = DemoScenario(rt.sf, WORKFLOWS_DIR / "jiangxi-labour-model.yaml", seed, progress)
        campaign_id = scenario.run()
    report_mail = deliver_mail(rt, reset)
    with rt.uow() as uow:
        report = demo_report(uow, campaign_id, scenario.log)
    report["mail"] = report_mail
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["database"] = rt.url
    rt.emit(report, format_report(report))


def deliver_mail(rt: Runtime, reset: bool) -> dict[str, Any]:
    """Send what the campaign queued: to the SMTP server if one is set, else as .eml files."""
    from notifications.relay import relay

    settings = rt.wiring.settings
    folder = settings.resolved_mail_folder()
    if reset and not settings.smtp_host and folder.is_dir():
        for old in folder.glob("*.eml"):  # the last run's messages would mix with these
            old.unlink()
    # Sent at the campaign's own (simulated) end, so nothing is put off by backoff.
    results = relay(rt.wiring.new_uow, rt.wiring.transport(), now_utc, settings, 100_000)
    where = f"smtp://{settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host else folder
    return {"results": dict(results), "where": str(where)}


def format_report(r: dict[str, Any]) -> str:
    """The demo report as text."""
    lines = [
        f"{r['campaign']['title']} ({r['campaign']['code']}), phase {r['campaign']['phase']}",
        "",
        "Funnel per stage                      entered    now",
    ]
    lines += [f"  {row['label']:<34} {row['entered']:>7} {row['now']:>6}" for row in r["funnel"]]
    lines += [
        "",
        f"Refused at submission by rule: {_counts(r['refused_at_submission'])}",
        f"Failed qualification by rule:  {_counts(r['failed_qualification'])}",
        f"Alternates stepped up: {r['alternates_stepped_up']}",
        f"Objections: {_counts(r['objections'])}",
    ]
    decision = r["decision"]
    if decision.get("refused_first"):
        lines.append("Committee first refused: " + "; ".join(decision["refused_first"]))
    lines.append(
        f"Decision: awarded {decision.get('awarded')}, not approved "
        f"{decision.get('not_approved')}"
        + (f", override: {decision['override']}" if decision.get("override") else "")
    )
    lines += [
        "",
        "Composition of the final list",
        format_composition(r["composition"]["list_size"], r["composition"]["rules"]),
    ]
    lines += [
        "",
        f"Deadlines fired by the sweep: {_counts(r['deadlines_fired'])}",
        f"Emails by kind: {_counts(r['emails_queued'])}",
        f"Emails {_counts(r['mail']['results'])} -> {r['mail']['where']}",
    ]
    audit = r["audit"]
    lines.append(
        f"Audit chain: {'OK' if audit['ok'] else 'BROKEN: ' + str(audit['problem'])} "
        f"({audit['events']} events)"
    )
    lines.append(f"Done in {r['seconds']} s on {r['database']}")
    return "\n".join(lines)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"
