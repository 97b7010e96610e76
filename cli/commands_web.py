"""`honorflow web`: the web interface on the configured database, optionally with the demo."""

from __future__ import annotations

import os
from typing import Any

import click
import uvicorn

from cli.runtime import Runtime, now_utc, pass_runtime, refuse_old_schema
from cli.words import role, say
from config import logs
from config.settings import WORKFLOWS_DIR, Settings, get_settings
from demo.web_demo import PASSWORD, NoticeScenario, create_demo_users
from models.migrate import upgrade

WORKER_STARTUP_S = 60


def register(cli: click.Group) -> None:
    cli.add_command(web)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--demo",
    is_flag=True,
    help="serve a fresh demo campaign (its own SQLite file, data/web-demo.sqlite3)",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="server processes (set PROMETHEUS_MULTIPROC_DIR when more than one)",
)
@click.option("--root-path", default="", help="the path prefix a proxy serves the app under")
@pass_runtime
def web(rt: Runtime, host: str, port: int, demo: bool, workers: int, root_path: str) -> None:
    """Serve the pages and the API (uvicorn) on the configured database (at the current
    schema: `honorflow db upgrade` first)."""
    if demo:
        rt = demo_runtime(rt)
        load_demo(rt)
    else:
        refuse_old_schema(rt)
    # The address is printed without its password: start-up lines end up in logs.
    database = rt.wiring.settings.shown_database_url()
    click.echo(say("web_serving", address=f"http://{host}:{port}/", database=database))
    options = proxy_options(rt.wiring.settings)
    options |= {"workers": workers, "root_path": root_path}
    if workers > 1:
        # A new server process imports the whole app before it answers the supervisor's
        # ping; on a loaded host that takes longer than uvicorn's 5 s, which then kills and
        # restarts it for ever.
        options["timeout_worker_healthcheck"] = WORKER_STARTUP_S
    logs.configure(rt.wiring.settings.log_format)
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        log_config=None,  # uvicorn's lines go through config/logs.py like every other
        **options,
    )


def proxy_options(settings: Settings) -> dict[str, Any]:
    """Forwarded headers count only from the trusted proxies of the settings (none by default).

    uvicorn's own default trusts X-Forwarded-For from the loopback, which let a client on the
    same machine rotate its address past the rate limits.
    """
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(settings.trusted_proxies)}


def demo_runtime(rt: Runtime) -> Runtime:
    """The demo gets a database of its own, made afresh, so it never touches real data.

    The app reads its database from the settings, so the demo's URL goes there too.
    """
    path = (get_settings().data_dir / "web-demo.sqlite3").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    os.environ["HONORFLOW_DATABASE_URL"] = f"sqlite:///{path.as_posix()}"
    get_settings.cache_clear()
    demo = Runtime(json_output=rt.json_output)
    upgrade(demo.engine)  # the demo's own fresh file: migrated here, explicitly
    return demo


def load_demo(rt: Runtime) -> None:
    """Run the demo campaign up to its open notice and create an account per role."""
    click.echo(say("web_demo_loading"))
    now = now_utc()
    scenario = NoticeScenario(rt.sf, WORKFLOWS_DIR / "jiangxi-labour-model.yaml", today=now)
    campaign_id = scenario.run()
    accounts = create_demo_users(rt.sf, campaign_id, now)
    click.echo(say("web_demo_accounts", password=PASSWORD))
    for a in accounts:
        where = a.department or a.unit_code or ""
        click.echo(f"  {a.username:<10} {role(a.role)}  {where}")
