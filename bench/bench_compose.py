"""Composing and writing one message: honorflow's choices against the email package's own.

Run by hand (not a test):

    .venv/bin/python bench/bench_compose.py [--n 2000] [--block 200]

Renders the sample message of every kind once (not timed), then times, in alternating blocks
of `--block` (which goes first alternates too), `compose(...)` followed by `as_bytes()`:

  stock      every choice left to the email package: it picks each part's transfer encoding
             by encoding the first ten lines both ways, and draws the boundary while writing;
  honorflow  `notifications.compose.compose` as it is: base64 named where the package would
             choose it, one boundary for all messages unless a part's text holds it.

Both write the same bytes but the boundary (checked here for every kind before timing; exits
1 if not). Prints ms per message for each and honorflow / stock.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from notifications import compose as compose_module  # noqa: E402
from notifications.compose import compose, message_id_for  # noqa: E402
from notifications.render import SAMPLE_CONTEXTS, RenderedMessage, render  # noqa: E402

DATE = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def make(rendered: RenderedMessage, i: int) -> EmailMessage:
    return compose(
        rendered,
        sender="laomo@example.org",
        sender_name="劳模评选工作办公室",
        recipient=f"unit{i % 50}@example.org",
        recipient_name="省税务局",
        message_id=message_id_for(f"bench:{i}", "example.org"),
        date=DATE,
    )


def write(rendered: RenderedMessage, i: int) -> bytes:
    return make(rendered, i).as_bytes()


def stock_choices() -> Callable[[], None]:
    """Leave the transfer encodings and the boundary to the email package; returns the undo."""
    saved = compose_module._transfer_encoding, compose_module._set_boundary
    compose_module._transfer_encoding = lambda text: None
    compose_module._set_boundary = lambda message, rendered: None

    def undo() -> None:
        compose_module._transfer_encoding, compose_module._set_boundary = saved

    return undo


def same_but_the_boundary(messages: list[RenderedMessage]) -> bool:
    """Whether each kind is written as the email package writes it, given the same boundary."""
    for i, rendered in enumerate(messages):
        undo = stock_choices()
        try:
            stock = make(rendered, i)
        finally:
            undo()
        stock.set_boundary(compose_module._BOUNDARY)
        if write(rendered, i) != stock.as_bytes():
            print(f"kind {sorted(SAMPLE_CONTEXTS)[i]}: the bytes differ", file=sys.stderr)
            return False
    return True


def timed_block(messages: list[RenderedMessage], start: int, count: int, stock: bool) -> float:
    undo = stock_choices() if stock else None
    try:
        began = time.perf_counter()
        for i in range(start, start + count):
            write(messages[i % len(messages)], i)
        return time.perf_counter() - began
    finally:
        if undo:
            undo()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--block", type=int, default=200)
    args = parser.parse_args()
    messages = [render(kind, SAMPLE_CONTEXTS[kind]) for kind in sorted(SAMPLE_CONTEXTS)]
    if not same_but_the_boundary(messages):
        return 1
    timed_block(messages, 0, args.block, stock=True)  # warm-up: caches, imports
    timed_block(messages, 0, args.block, stock=False)
    spent = {"stock": 0.0, "honorflow": 0.0}
    for block, start in enumerate(range(0, args.n, args.block)):
        order = ("stock", "honorflow") if block % 2 == 0 else ("honorflow", "stock")
        for name in order:
            spent[name] += timed_block(messages, start, args.block, stock=name == "stock")
    per = {name: seconds / args.n * 1000 for name, seconds in spent.items()}
    print(f"{'':<10} ms per message (compose + as_bytes), {args.n} messages, {len(messages)} kinds")
    for name, ms in per.items():
        print(f"{name:<10} {ms:.3f}")
    print(f"honorflow / stock: {per['honorflow'] / per['stock']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
