"""The latency half of ``messaging_bench.py``: the app against the bare server under one set of
conditions.

Until Stop 11 the bench measured the bare server, stopped it, then measured the app a minute
later. On this shared host the two phases drifted apart: in 3 of 24 runs the app's phase alone fell
in a slower spell (the bare server's p50 13-14 ms as in every run, the app's 19-20 ms instead of
16-17), and the ratio said more about the minute than about the app. Since Stop 12 both servers
stay up, each with its own 1,000 clients, and the measurement alternates between them in blocks
of ``block`` messages: a slow spell now lands on both.

Each side's background work stays its own: after an app block the bench waits until the search
outbox is empty (``quiet``), so the bare server's next block does not pay for indexing the app's
messages, while the app's blocks pay for it as in production.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.messaging_trace import breakdown
from bench.socket_clients import ARRIVALS

WAIT_S = 10  # a message not at its last recipient by then counts as incomplete
GAP_S = 0.3  # between blocks, after ``quiet``: a commit's checkpoint, the worker's round ending


@dataclass
class Side:
    """One server being measured: how to send to a room, and who is in each room."""

    name: str
    target: str  # the gunicorn target (``--trace`` keys its trace file by it)
    send: Callable[[int], tuple[int, float]]  # room -> (message id, perf_counter before the send)
    rooms: list[int]
    counts: dict[int, int]  # room -> its connected clients
    quiet: Callable[[], None] = lambda: None  # returns once this side's background work is done
    times: list[float] = field(default_factory=list)  # ms, every measured message
    block_p50: list[float] = field(default_factory=list)
    traced: dict[int, tuple[float, float]] = field(default_factory=dict)  # id -> (sent, last arrival)


def rooms_of(people: list[tuple[int, int, str]]) -> tuple[list[int], dict[int, int]]:
    counts: dict[int, int] = {}
    for _uid, cid, _tok in people:
        counts[cid] = counts.get(cid, 0) + 1
    return sorted(counts), counts


def wait_for(mid: int, count: int) -> bool:
    """Until ``count`` clients have message ``mid`` (or ``WAIT_S``)."""
    deadline = time.perf_counter() + WAIT_S
    while len(ARRIVALS[mid]) < count and time.perf_counter() < deadline:
        time.sleep(0.001)
    return len(ARRIVALS[mid]) >= count


def _block(side: Side, start: int, count: int) -> None:
    """Messages ``start`` .. ``start + count - 1``, one at a time, round-robin over the rooms."""
    times = []
    for i in range(start, start + count):
        room = side.rooms[i % len(side.rooms)]
        mid, t0 = side.send(room)
        if wait_for(mid, side.counts[room]):
            side.traced[mid] = (t0, max(ARRIVALS[mid][: side.counts[room]]))
            times.append((side.traced[mid][1] - t0) * 1000)
    side.times += times
    if times:
        side.block_p50.append(pct(times, 50))


def alternate(sides: list[Side], n: int, block: int) -> None:
    """``n`` measured messages per side in blocks of ``block``, the sides taking turns, after one
    unmeasured round per side (first-message work, such as notifications, is not what we time)."""
    for side in sides:
        for room in side.rooms:
            wait_for(side.send(room)[0], side.counts[room])
        side.quiet()
    for start in range(0, n, block):
        for side in sides:
            _block(side, start, min(block, n - start))
            side.quiet()
            time.sleep(GAP_S)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(side: Side, sent: int, trace: Path | None) -> dict:
    """Print and return the side's figures; with a trace file, its breakdown by stage too."""
    times = side.times
    row = {"name": side.name, "sent": sent, "complete": len(times), "p50": pct(times, 50),
           "p99": pct(times, 99), "mean": statistics.fmean(times)}
    print(f"{side.name:<34} {len(times)}/{sent} complete  p50 {row['p50']:.1f} ms  p99 {row['p99']:.1f} ms  "
          f"mean {row['mean']:.1f} ms", flush=True)
    print(f"  p50 per block: {' '.join(f'{v:.1f}' for v in side.block_p50)}", flush=True)
    if trace is not None:
        for part, values in breakdown(side.traced, trace).items():
            print(f"  {part:<7} p50 {pct(values, 50):6.2f}  p90 {pct(values, 90):6.2f}  "
                  f"p99 {pct(values, 99):6.2f} ms", flush=True)
    return row
