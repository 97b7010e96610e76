"""The Dockerfile, compose file, systemd units and example environment agree with the README.

The README's "Running in production" lists the processes (with their commands) and the
settings production needs; every deployment file is parsed and compared with those lists,
and every command in them is parsed by the `honorflow` command itself, so a renamed option
or a forgotten setting fails here rather than on the operator's machine.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SETTING = re.compile(r"^\| `((?:HONORFLOW|PROMETHEUS)_[A-Z_]+)` \|", re.M)
COMMAND = re.compile(r"^\| (\w+) \| `([^`]+)` \|", re.M)


def section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]


def readme_settings() -> set[str]:
    return set(SETTING.findall(section("Settings production needs")))


def readme_commands() -> dict[str, str]:
    return dict(COMMAND.findall(section("The processes")))


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def honorflow_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose()["services"].items()
        if service.get("image") == "honorflow:latest"
    }


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile instruction, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def units() -> dict[str, dict[str, list[str]]]:
    """Each systemd unit's [Service] keys, with every value given."""
    found = {}
    for path in sorted((ROOT / "deploy" / "systemd").glob("*.service")):
        service = path.read_text(encoding="utf-8").split("[Service]", 1)[1].split("\n[", 1)[0]
        keys: dict[str, list[str]] = {}
        for line in service.splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                keys.setdefault(key.strip(), []).append(value.strip())
        found[path.name] = keys
    return found


def parse_honorflow(args: list[str]) -> dict[str, Any]:
    """Parse a `honorflow …` command line as the command does, without running it."""
    assert args[0] == "honorflow", args
    ctx = cli.make_context("honorflow", args[1:])
    command: click.Command = cli
    rest = [*ctx._protected_args, *ctx.args]
    while isinstance(command, click.Group):
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None, args
        ctx = sub.make_context(name, rest, parent=ctx)
        command, rest = sub, [*ctx._protected_args, *ctx.args]
    return dict(ctx.params)


def test_the_readme_lists_settings_and_processes() -> None:
    assert {"HONORFLOW_SITE_URL", "HONORFLOW_TRUSTED_PROXIES", "HONORFLOW_DATA_DIR"} <= (
        readme_settings()
    )
    assert {"HONORFLOW_AUDIT_KEY", "HONORFLOW_ADMIN_EMAIL", "HONORFLOW_METRICS_TOKEN"} <= (
        readme_settings()
    )
    assert set(readme_commands()) == {"migrate", "web", "worker", "beat", "flower"}


def test_every_production_setting_is_a_setting_honorflow_reads() -> None:
    from config.settings import Settings

    known = {f"HONORFLOW_{name.upper()}" for name in Settings.model_fields}
    assert readme_settings() - known == {"PROMETHEUS_MULTIPROC_DIR"}


def test_compose_gives_every_honorflow_service_exactly_the_readme_settings() -> None:
    services = honorflow_services()
    assert set(services) == {"migrate", "web", "worker-1", "worker-2", "beat"}
    for name, service in services.items():
        assert set(service["environment"]) == readme_settings(), name


def test_compose_runs_the_readme_commands() -> None:
    services, documented = honorflow_services(), readme_commands()
    assert " ".join(services["migrate"]["command"]) == documented["migrate"]
    assert " ".join(services["web"]["command"]) == documented["web"]
    assert " ".join(services["beat"]["command"]) == documented["beat"]
    assert " ".join(services["worker-1"]["command"]) == documented["worker"]
    names = [parse_honorflow(services[w]["command"])["node_name"] for w in ("worker-1", "worker-2")]
    assert len(set(names)) == 2, "two workers, two node names"
    for service in services.values():
        parse_honorflow(service["command"])
    flower = compose()["services"]["flower"]
    assert " ".join(flower["command"]) == documented["flower"]
    assert "CELERY_BROKER_URL" in flower["environment"]


def test_compose_has_the_servers_and_several_web_processes_behind_the_proxy() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "flower"} <= set(services)
    web = parse_honorflow(services["web"]["command"])
    assert web["workers"] >= 2
    assert services["web"]["environment"]["HONORFLOW_TRUSTED_PROXIES"]
    # Web and the workers share the metrics folder, and it is emptied with the whole set.
    for name in ("web", "worker-1", "worker-2"):
        assert "metrics:/run/honorflow-metrics" in services[name]["volumes"]
    metrics = compose()["volumes"]["metrics"]["driver_opts"]
    assert metrics["type"] == "tmpfs"
    # The tmpfs belongs to the image's user, whose uid the Dockerfile fixes.
    uid = re.search(r"uid=(\d+)", metrics["o"])
    assert uid and f"--uid {uid.group(1)}" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_the_dockerfile_is_slim_non_root_and_installs_from_the_lock() -> None:
    steps = dockerfile()
    images = [args for op, args in steps if op == "FROM"]
    assert images and all(re.match(r"python:[\d.]+-slim\b", image) for image in images)
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    runs = " ".join(args for op, args in steps if op == "RUN")
    assert "pip install --constraint requirements.lock ." in runs
    for tool in ("pytest", "ruff", "mypy", "playwright", "--extra dev", "[dev]"):
        assert tool not in runs, tool
    env = " ".join(args for op, args in steps if op == "ENV")
    names = set(re.findall(r"\b((?:HONORFLOW|PROMETHEUS)_[A-Z_]+)=", env))
    assert names and names <= readme_settings()
    [cmd] = [args for op, args in steps if op == "CMD"]
    command = yaml.safe_load(cmd)
    assert " ".join(command) == readme_commands()["web"]
    parse_honorflow(command)


@pytest.mark.parametrize("name", ["web", "worker", "beat", "migrate"])
def test_a_systemd_unit_runs_each_honorflow_process(name: str) -> None:
    wanted = {"web": "honorflow-web.service", "worker": "honorflow-worker@.service"}
    unit = units()[wanted.get(name, f"honorflow-{name}.service")]
    assert unit["User"] == ["honorflow"]
    assert unit["EnvironmentFile"] == ["/etc/honorflow/honorflow.env"]
    [start] = unit["ExecStart"]
    args = shlex.split(start.replace("%i", "worker1").replace("%H", "host"))
    args[0] = Path(args[0]).name
    documented = shlex.split(readme_commands()[name])
    assert args[:2] == documented[:2]
    parse_honorflow(args)
    if name in ("web", "worker"):
        assert unit["Environment"] == ["PROMETHEUS_MULTIPROC_DIR=/run/honorflow-metrics"]


def test_the_example_environment_holds_the_readme_settings() -> None:
    text = (ROOT / "deploy" / "honorflow.env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^([A-Z_]+)=", text, re.M))
    # The units set the metrics folder themselves (it lives under their runtime directory).
    assert names | {"PROMETHEUS_MULTIPROC_DIR"} == readme_settings()


def test_the_check_catches_a_drift() -> None:
    with pytest.raises(click.NoSuchOption):
        parse_honorflow(["honorflow", "worker", "--node", "x@%h"])
    drifted = {*readme_settings(), "HONORFLOW_NEW_SETTING"}
    assert set(honorflow_services()["web"]["environment"]) != drifted
