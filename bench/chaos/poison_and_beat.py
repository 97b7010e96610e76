"""Two more chaos runs: a relay poisoned by bad messages, and a beat restarted across due
deadlines."""

from __future__ import annotations

import ast
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench.chaos.harness import Beat, queue_messages, smtp_of, tally, wait_for_statuses
from bench.chaos.scenarios import SENT, Outcome, _nothing_left
from models import Deadline
from models.uow import UnitOfWork
from tests.conftest import make_campaign
from tests.integration.flow import add, fire
from tests.integration.worker_fixtures import Stack, wait_until
from tests.integration.worker_reading import rows
from workflow.calendar import WorkingCalendar
from workflow.services.campaigns import UnitQuota

# --- a relay poisoned by bad messages -----------------------------------------------------------

# What no retry can mend, in the ways it happens: a name that cannot be encoded (a lone
# surrogate, possible in SQLite's JSON text), addresses that are not addresses, and a
# recipient the server refuses for good (554).
POISONS = ("surrogate", "non-ascii address", "no domain", "refused 554", "refused 554")


def _poison(kind: str, index: int, db: str) -> tuple[str | None, str | None]:
    """(nominee, recipient) for one bad message; None keeps the default."""
    if kind == "surrogate" and db == "sqlite":
        return "王\ud800伟", None
    if kind in ("surrogate", "non-ascii address"):
        return None, f"审核员{index}@例子.中国"
    if kind == "no domain":
        return None, f"reviewer{index}@"
    return None, f"refused{index}@example.org"


def poison(stack: Stack, messages: int, bad: int) -> Outcome:
    """`bad` poison messages spread over `messages` (and line separators in good names); relays
    on a worker until nothing is pending: the good ones arrive once, the bad ones are failed
    with their error, none is left `sending`."""
    step = max(1, messages // bad)
    spots = [min(i * step, messages - 1) for i in range(bad)]
    names: dict[int, str] = {i: f"王\u2028伟{i}" for i in range(3, messages, 97)}
    recipients: dict[int, str] = {}
    for n, index in enumerate(spots):
        nominee, recipient = _poison(POISONS[n % len(POISONS)], index, stack.db)
        if nominee is not None:
            names[index] = nominee
        if recipient is not None:
            recipients[index] = recipient
            if recipient.startswith("refused"):
                smtp_of(stack).refused.add(recipient)
    ids = queue_messages(stack, messages, names, recipients)
    poisoned = {ids[i] for i in spots}
    stack.worker()
    passes: list[dict[str, int]] = []
    while any(r.status == "pending" for r in rows(stack.sf)) and len(passes) < 20:
        passes.append(stack.run("relay_outbox", timeout=300))
    wait_for_statuses(stack, {"sent", "failed"}, 60)
    outcome = Outcome(tally(stack))
    failed = {r.id: r.last_error or "" for r in rows(stack.sf) if r.status == "failed"}
    outcome.figures = {
        "messages": messages,
        "poisoned": len(poisoned),
        "relay passes": passes,
        "failed, with their error": {i: e[:90] for i, e in sorted(failed.items())},
    }
    if set(failed) != poisoned:
        outcome.problems.append(f"failed {sorted(failed)} but poisoned {sorted(poisoned)}")
    if any(not error for error in failed.values()):
        outcome.problems.append("a failed message without its error")
    _nothing_left(stack, outcome)
    return outcome


# --- the beat restarted across due deadlines ----------------------------------------------------


def _due_reminders(stack: Stack, campaign_id: int, count: int, now: datetime) -> None:
    """`count` nominations whose review began 8 working days ago: their reminder:3 is due now
    and nothing else is (the task is due in two working days)."""
    began = WorkingCalendar().working_days_before(now, 8)
    for i in range(count):
        nomination = add(stack.sf, campaign_id, name=f"甲{i}")
        fire(stack.sf, nomination, "submit")
        fire(stack.sf, nomination, "begin_review", now=began)


def _due(stack: Stack, now: datetime) -> set[int]:
    with UnitOfWork(stack.sf) as uow:
        query = select(Deadline.id).where(Deadline.status == "pending", Deadline.due_at <= now)
        return set(uow.session.scalars(query))


def _statuses(stack: Stack, ids: set[int]) -> Counter[str]:
    with UnitOfWork(stack.sf) as uow:
        query = select(Deadline.status).where(Deadline.id.in_(ids))
        return Counter(uow.session.scalars(query))


def _fired_by_sweeps(stack: Stack) -> int:
    """The sum of `fired` in every sweep the workers logged as finished."""
    found = re.findall(r"sweep_deadlines\[[^\]]+\] succeeded in [\d.e-]+s: (\{.*\})", stack.logs())
    return sum(int(ast.literal_eval(result)["fired"]) for result in found)


def beat_restart(stack: Stack, cycles: int, per_cycle: int, downtime_min: int = 60) -> Outcome:
    """`cycles` times: with the beat stopped, nominations whose reminders fall due; the beat
    (its schedule saying it last ran `downtime_min` ago) starts, its sweep fires them; stop."""
    quota = UnitQuota("nc", "南昌市总工会", cycles * per_cycle, email="nc@example.org")
    campaign_id = make_campaign(stack.sf, quotas=[quota])
    stack.worker()
    beat = Beat(stack).start()
    beat.stop()  # it has written its schedule: a beat that ran once, now down
    due_all: set[int] = set()
    sweeps = []
    for _ in range(cycles):
        _due_reminders(stack, campaign_id, per_cycle, datetime.now(UTC))
        due = _due(stack, datetime.now(UTC)) - due_all
        due_all |= due
        beat.rewind(timedelta(minutes=downtime_min))
        before = beat.sent("honorflow.sweep_deadlines")
        beat.start()
        wait_until(lambda d=due: _statuses(stack, d) == {"fired": len(d)}, 60, "fired", 0.2)  # type: ignore[misc]
        sweeps.append(beat.sent("honorflow.sweep_deadlines") - before)
        beat.stop()
    wait_for_statuses(stack, SENT, 120)
    reminders = [r for r in rows(stack.sf) if r.kind == "reminder"]
    outcome = Outcome(tally(stack))
    fired = _fired_by_sweeps(stack)
    outcome.figures = {
        "restarts": cycles,
        "deadlines due while the beat was down": len(due_all),
        "their statuses": dict(_statuses(stack, due_all)),
        "sweeps the beat sent on each restart": sweeps,
        "deadlines fired by all sweeps (workers' logs)": fired,
        "reminder messages": len(reminders),
    }
    if fired != len(due_all) or len(reminders) != len(due_all):
        outcome.problems.append(f"{len(due_all)} due, {fired} fired, {len(reminders)} reminders")
    return outcome
