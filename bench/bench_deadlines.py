"""Deadline sweep and outbox relay throughput, each beside the raw rate of the same resource.

Run by hand (not a test):

    .venv/bin/python bench/bench_deadlines.py [--db sqlite|postgresql|both] [--n 100000]
        [--messages 2000] [--dial-messages 300] [--skip-sweep] [--skip-mail]

Sweep (per database; SQLite: a file in a temporary directory; PostgreSQL: a fresh schema that
is dropped at the end). Set-up, not timed: a campaign, N nominations in `qualification`, each
with an open qualification review task (bulk-inserted). The two loops alternate in blocks of
1,000 tasks (and which goes first): a block's due deadlines are inserted (not timed) and
claimed by one loop, inserted again and fired by the other. Timed:

  raw        the claim alone, with the sweep's batching: take 200 due pending rows (the
             sweep's query, `FOR UPDATE SKIP LOCKED` on PostgreSQL), one compare-and-set
             `UPDATE deadlines SET status='fired' … WHERE id=:id AND status='pending'` per
             row, COMMIT per batch, until none is left;
  honorflow  `workflow.services.deadlines.sweep(uow, now)` over N `reminder:3` deadlines on
             those open tasks: per batch of 200 the compare-and-set claim and one read of
             the batch's tasks with their nominations; per row a savepoint, the reminder's
             recipients and context built, one outbox message inserted; COMMIT per batch.

Reminders are the cheapest deadline kind that does real work (a row read, a message
written); the kinds that move a nomination (notice_end, material_due) run a whole transition
each and are measured by bench_transitions.py.

Mail (per database). M `reminder` messages pending in the outbox, a local aiosmtpd server
that accepts everything. The raw loop and the relay alternate in blocks of 250 messages (and
which goes first). Timed:

  raw        M messages composed beforehand, sent with smtplib over one connection;
  relay      `notifications.relay.relay` until the outbox is empty: per batch of 25 one
             claim (commit), per message render the templates, compose and send, per batch
             one settlement of the results (commit), over one SMTP connection per relay pass;
  dial       the same relay with a transport that cannot hold a connection open (one SMTP
             connection per message, as before the relay reused one), on a smaller count.
"""

from __future__ import annotations

import argparse
import gc
import smtplib
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any, cast

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_transitions import database, seed  # noqa: E402
from sqlalchemy import Engine, Table, func, insert, select, update  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from config.settings import Settings  # noqa: E402
from models import Deadline, Nomination, OutboxMessage, ReviewTask  # noqa: E402
from models.db import make_session_factory  # noqa: E402
from models.scheduling import FIRED, PENDING  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from notifications.compose import compose, message_id_for  # noqa: E402
from notifications.relay import relay  # noqa: E402
from notifications.render import render  # noqa: E402
from notifications.transport import SmtpTransport  # noqa: E402
from workflow.services import deadlines  # noqa: E402

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 11, 1, 0, tzinfo=UTC)
NOW = DUE + timedelta(minutes=1)
BATCH = deadlines.BATCH
SETTINGS = Settings(smtp_host="127.0.0.1", mail_from="laomo@example.org")


def timed(run: Callable[[], object], count: int) -> float:
    """Operations per second of `run`, which performs `count` operations."""
    gc.collect()
    start = time.perf_counter()
    run()
    return count / (time.perf_counter() - start)


# --- sweep --------------------------------------------------------------------------------------


def open_tasks(sf: sessionmaker[Session], count: int) -> tuple[int, list[int]]:
    """`count` nominations in qualification, each with one open review task."""
    nominations = seed(sf, count)
    with UnitOfWork(sf) as uow:
        uow.session.execute(update(Nomination).values(status="qualification"))
        campaign_id = uow.session.scalar(select(Nomination.campaign_id).limit(1))
        assert campaign_id is not None
        rows = [
            {
                "nomination_id": nomination_id,
                "campaign_id": campaign_id,
                "stage": "qualification",
                "department": "working_team",
                "role": "team_reviewer",
                "status": "open",
                "due_at": datetime(2026, 3, 16, 16, tzinfo=UTC),
                "created_at": T0,
                "version": 1,
            }
            for nomination_id in nominations
        ]
        for start in range(0, len(rows), 5000):
            uow.session.execute(insert(ReviewTask), rows[start : start + 5000])
        uow.commit()
        tasks = list(uow.session.scalars(select(ReviewTask.id).order_by(ReviewTask.id)))
    return campaign_id, tasks


def task_pairs(sf: sessionmaker[Session], tasks: list[int]) -> list[tuple[int, int]]:
    """(task id, nomination id) of every task, in id order."""
    with UnitOfWork(sf) as uow:
        task_rows = uow.session.execute(
            select(ReviewTask.id, ReviewTask.nomination_id).order_by(ReviewTask.id)
        ).all()
    assert [t for t, _ in task_rows] == tasks
    return [(int(t), int(n)) for t, n in task_rows]


def add_deadlines(
    sf: sessionmaker[Session], campaign_id: int, task_rows: list[tuple[int, int]]
) -> None:
    with UnitOfWork(sf) as uow:
        rows = [
            {
                "campaign_id": campaign_id,
                "nomination_id": nomination_id,
                "task_id": task_id,
                "kind": "reminder:3",
                "stage": "qualification",
                "due_at": DUE,
                "status": PENDING,
                "created_at": T0,
                "attempts": 0,
            }
            for task_id, nomination_id in task_rows
        ]
        for start in range(0, len(rows), 5000):
            uow.session.execute(insert(Deadline), rows[start : start + 5000])
        uow.commit()


def raw_claims(engine: Engine) -> int:
    """The sweep's batching and compare-and-set claim, with no action: the floor."""
    table = cast(Table, Deadline.__table__)
    claimed = 0
    while True:
        with engine.begin() as conn:
            query = (
                select(table.c.id)
                .where(table.c.status == PENDING, table.c.due_at <= NOW)
                .order_by(table.c.due_at, table.c.id)
                .limit(BATCH)
            )
            if engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = list(conn.scalars(query))
            for deadline_id in ids:
                result = conn.execute(
                    update(table)
                    .where(table.c.id == deadline_id, table.c.status == PENDING)
                    .values(status=FIRED, fired_at=NOW, outcome="raw", attempts=1)
                )
                claimed += result.rowcount
        if len(ids) < BATCH:
            return claimed


def honorflow_sweep(sf: sessionmaker[Session]) -> deadlines.SweepResult:
    with UnitOfWork(sf) as uow:
        return deadlines.sweep(uow, NOW)


def count_fired(sf: sessionmaker[Session]) -> tuple[int, int]:
    with UnitOfWork(sf) as uow:
        fired = uow.session.scalar(select(func.count(Deadline.id)).where(Deadline.status == FIRED))
        messages = uow.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "reminder")
        )
    return int(fired or 0), int(messages or 0)


SWEEP_BLOCK = 1000  # due deadlines per alternating block of the raw and the sweep loops


def measure_sweep(kind: str, n: int) -> tuple[float, float]:
    """The raw claim loop and the sweep, each over the same N tasks' due reminders, alternating
    in blocks of SWEEP_BLOCK (and which goes first): a block's deadlines are added (not timed),
    then claimed by one side; added again, then fired by the other."""
    with database(kind) as engine:
        sf = make_session_factory(engine)
        started = time.perf_counter()
        campaign_id, tasks = open_tasks(sf, n)
        pairs = task_pairs(sf, tasks)
        print(f"  {kind}: set up {n} tasks in {time.perf_counter() - started:.0f}s")
        raw_s = flow_s = 0.0
        claimed: list[int] = []
        results: list[deadlines.SweepResult] = []
        for number, start in enumerate(range(0, n, SWEEP_BLOCK)):
            block = pairs[start : start + SWEEP_BLOCK]
            for side in ("raw", "sweep") if number % 2 == 0 else ("sweep", "raw"):
                add_deadlines(sf, campaign_id, block)
                if side == "raw":
                    raw_s += seconds(partial(claim_into, claimed, engine))
                else:
                    flow_s += seconds(partial(sweep_into, results, sf))
        fired, messages = count_fired(sf)
        swept = sum(r.fired for r in results)
        errors = sum(r.errors for r in results)
        if (sum(claimed), swept, errors, fired, messages) != (n, n, 0, 2 * n, n):
            raise SystemExit(
                f"raw claimed {sum(claimed)}, sweep fired {swept} (errors {errors}); rows fired "
                f"{fired}, reminders queued {messages}; expected {n}, {n}, 0, {2 * n}, {n}"
            )
        return n / raw_s, n / flow_s


def claim_into(claimed: list[int], engine: Engine) -> None:
    claimed.append(raw_claims(engine))


def sweep_into(results: list[deadlines.SweepResult], sf: sessionmaker[Session]) -> None:
    results.append(honorflow_sweep(sf))


def seconds(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# --- mail ---------------------------------------------------------------------------------------


def context(i: int) -> dict[str, object]:
    return {
        "task_id": i,
        "stage": "资格初审",
        "nominee": f"候选人{i:06d}",
        "department": "工作专班（省总工会、省委统战部、省人社厅）",
        "due_at": "2026-03-17 00:00",
        "days_left": 3,
    }


def queue(sf: sessionmaker[Session], start: int, count: int) -> None:
    rows = [
        {
            "idempotency_key": f"bench:{i}",
            "kind": "reminder",
            "recipient": "zhuanban@example.org",
            "campaign_id": None,
            "nomination_id": None,
            "context": context(i),
            "status": PENDING,
            "attempts": 0,
            "created_at": T0,
        }
        for i in range(start, start + count)
    ]
    with UnitOfWork(sf) as uow:
        uow.session.execute(insert(OutboxMessage), rows)
        uow.commit()


def prebuilt(count: int) -> list[EmailMessage]:
    out = []
    for i in range(count):
        rendered = render("reminder", {**context(i), "campaign": "", "site_url": "http://x"})
        out.append(
            compose(
                rendered,
                sender=SETTINGS.mail_from,
                sender_name=SETTINGS.mail_from_name,
                recipient="zhuanban@example.org",
                recipient_name=None,
                message_id=message_id_for(f"raw:{i}", "example.org"),
                date=NOW,
            )
        )
    return out


class Counting:
    """An aiosmtpd handler that accepts everything and only counts it.

    Not tests/smtp_server.RecordingSMTPServer: aiosmtpd inspects its handler's members on
    every new connection, which evaluates that server's `messages` property (parsing all
    received messages) and makes each connection cost more as messages pile up.
    """

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def smtp_server() -> tuple[Controller, Counting]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="smtp")
    controller.start()
    return controller, handler


def raw_smtp(port: int, messages: list[EmailMessage]) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for message in messages:
            smtp.send_message(message)


class DialEachTime:
    """An SMTP transport without open/close: one connection per message."""

    def __init__(self, inner: SmtpTransport) -> None:
        self.inner = inner

    def send(self, message: EmailMessage) -> None:
        self.inner.send(message)


def relay_all(sf: sessionmaker[Session], transport: object) -> Counter[str]:
    total: Counter[str] = Counter()
    while True:
        done = relay(lambda: UnitOfWork(sf), transport, lambda: NOW, SETTINGS)  # type: ignore[arg-type]
        if not done:
            return total
        total += done


MAIL_BLOCK = 250  # messages per alternating block of the raw and the relay loops


def relay_into(results: list[Counter[str]], sf: sessionmaker[Session], transport: object) -> None:
    results.append(relay_all(sf, transport))


def measure_mail(kind: str, m: int, dial: int) -> tuple[float, float, float]:
    """Raw smtplib and the relay over the same server, alternating in blocks of MAIL_BLOCK
    (and which goes first), so a slow spell of the machine falls on both alike."""
    controller, server = smtp_server()
    try:
        with database(kind) as engine:
            sf = make_session_factory(engine)
            messages = prebuilt(m)
            transport = SmtpTransport("127.0.0.1", controller.port, timeout=30)
            raw_s = flow_s = 0.0
            results: list[Counter[str]] = []
            for number, start in enumerate(range(0, m, MAIL_BLOCK)):
                block = messages[start : start + MAIL_BLOCK]
                queue(sf, start, len(block))  # not timed
                raw_block = partial(raw_smtp, controller.port, block)
                flow_block = partial(relay_into, results, sf, transport)
                for side in (raw_block, flow_block) if number % 2 == 0 else (flow_block, raw_block):
                    if side is raw_block:
                        raw_s += seconds(side)
                    else:
                        flow_s += seconds(side)
            if sum(results, Counter()) != Counter(sent=m) or server.count != 2 * m:
                raise SystemExit(f"relay: {results}, server got {server.count} of {2 * m}")
            queue(sf, m, dial)
            results.clear()
            dialled = timed(lambda: results.append(relay_all(sf, DialEachTime(transport))), dial)
            if results != [Counter(sent=dial)] or server.count != 2 * m + dial:
                raise SystemExit(f"dial: {results}")
            return m / raw_s, m / flow_s, dialled
    finally:
        controller.stop()


# --- report -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=100000, help="deadlines swept per database")
    parser.add_argument("--messages", type=int, default=2000, help="messages relayed per database")
    parser.add_argument("--dial-messages", type=int, default=300, help="relayed, dialling each")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-mail", action="store_true")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(
        f"honorflow deadline and mail benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"python {sys.version.split()[0]}"
    )
    sweeps = {} if args.skip_sweep else {k: measure_sweep(k, args.n) for k in kinds}
    mails = (
        {}
        if args.skip_mail
        else {k: measure_mail(k, args.messages, args.dial_messages) for k in kinds}
    )
    if sweeps:
        print("\nDeadline sweep (reminder:3 on open tasks; raw = batched compare-and-set claims)")
        print(f"{'database':<11} {'N':>7} {'raw /s':>9} {'sweep /s':>9} {'ratio':>7}")
        for k, (raw, flow) in sweeps.items():
            print(f"{k:<11} {args.n:>7} {raw:>9.0f} {flow:>9.0f} {flow / raw:>7.2f}")
    if mails:
        print("\nMail to a local aiosmtpd (raw = prebuilt messages, smtplib, one connection)")
        print(
            f"{'database':<11} {'M':>6} {'raw msg/s':>10} {'relay msg/s':>12} {'ratio':>6} "
            f"{'dial-each msg/s':>16}"
        )
        for k, (raw, flow, dialled) in mails.items():
            print(
                f"{k:<11} {args.messages:>6} {raw:>10.0f} {flow:>12.0f} {flow / raw:>6.2f} "
                f"{dialled:>16.0f}"
            )


if __name__ == "__main__":
    main()
