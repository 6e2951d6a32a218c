"""The shared presence registry against a real Redis: two registries play two web workers.

A person is online if any socket anywhere is; each change is announced by exactly one worker;
``focused_on`` sees every worker's pages; a crashed worker's sockets expire; Redis trouble never
raises into a socket handler.
"""

from __future__ import annotations

import threading
import time

import redis

from intranet.platform.presence import AWAY, OFFLINE, ONLINE, RedisRegistry
from tests.ports import free_port


def _worker(url: str, ttl: float = 60, *, renew: bool = False) -> RedisRegistry:
    def start(target) -> None:
        threading.Thread(target=target, daemon=True).start()

    return RedisRegistry(redis.Redis.from_url(url), "test:", ttl, start if renew else None)


def test_a_person_is_online_if_any_socket_on_any_worker_is(redis_url):
    a, b = _worker(redis_url), _worker(redis_url)
    assert a.connected("a1", 1) == ONLINE
    assert b.connected("b1", 1) is None  # online already, through the other worker
    assert b.state_of(1) == ONLINE and a.states([1, 2]) == {1: ONLINE, 2: OFFLINE}
    assert a.set_state("a1", AWAY) == (1, None)  # still online on b
    assert b.set_state("b1", AWAY) == (1, AWAY)
    assert a.state_of(1) == AWAY
    assert b.set_state("a1", ONLINE) == (None, None)  # not b's socket: b changes nothing
    assert b.disconnected("b1") == (1, None)  # still away on a
    assert a.disconnected("a1") == (1, OFFLINE)
    assert b.state_of(1) == OFFLINE
    assert a.disconnected("a1") == (None, None)


def test_focus_is_seen_from_every_worker(redis_url):
    a, b = _worker(redis_url), _worker(redis_url)
    a.connected("a1", 1)
    b.connected("b1", 2)
    a.connected("a2", 1)  # a second tab of person 1
    a.set_focus("a1", 10)
    b.set_focus("b1", 10)
    assert a.focused_on(10) == b.focused_on(10) == {1, 2}
    a.set_focus("a1", 11)  # person 1 opened another conversation in that tab
    assert b.focused_on(10) == {2} and b.focused_on(11) == {1}
    b.set_state("b1", AWAY)  # the page is hidden: not looking
    assert a.focused_on(10) == set()
    a.disconnected("a1")
    assert b.focused_on(11) == set()
    a.set_focus("a2", None)
    b.set_focus("gone", 10)  # an unknown socket changes nothing
    assert a.focused_on(10) == set()


def test_each_change_is_announced_by_one_worker_only(redis_url):
    """Twenty sockets of one person connect at once on two workers: one "online" in all; they all
    leave at once: one "offline"."""
    workers = [_worker(redis_url), _worker(redis_url)]
    sids = [(workers[i % 2], f"s{i}") for i in range(20)]
    changes: list[str | None] = []
    gate = threading.Barrier(len(sids))

    def run(action) -> None:
        gate.wait()
        changes.append(action())

    def together(action) -> list[str | None]:
        changes.clear()
        threads = [threading.Thread(target=run, args=(lambda w=w, s=s: action(w, s),)) for w, s in sids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [c for c in changes if c is not None]

    assert together(lambda w, s: w.connected(s, 7)) == [ONLINE]
    assert together(lambda w, s: w.disconnected(s)[1]) == [OFFLINE]


def test_a_crashed_workers_sockets_expire_and_a_live_one_keeps_them(redis_url):
    a, b = _worker(redis_url, ttl=1.0, renew=True), _worker(redis_url)
    a.connected("a1", 1)
    a.set_focus("a1", 10)
    time.sleep(2.2)  # more than twice the TTL: a's renewals kept its socket
    assert b.state_of(1) == ONLINE and b.focused_on(10) == {1}
    a.stop()  # a dies: nobody renews its keys
    time.sleep(1.6)
    assert b.state_of(1) == OFFLINE and b.focused_on(10) == set()
    assert a.refresh() == 1  # a was only stalled, not dead: it writes its socket back
    assert b.state_of(1) == ONLINE and b.focused_on(10) == {1}


def test_a_client_ping_renews_its_socket(redis_url):
    a, b = _worker(redis_url, ttl=1.0), _worker(redis_url)  # no renewals but the pings
    a.connected("a1", 1)
    for _ in range(4):
        time.sleep(0.4)
        a.touch("a1")
    assert b.state_of(1) == ONLINE  # 1.6 s after the connect
    time.sleep(1.3)
    assert b.state_of(1) == OFFLINE


def test_redis_trouble_never_raises_into_a_socket_handler():
    nowhere = redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    down = RedisRegistry(nowhere, "test:", 60)
    assert down.connected("s1", 1) is None
    assert down.focused_on(10) == set()  # nobody looking: the notification is sent, not lost
    assert down.states([1]) == {1: OFFLINE}
    assert down.set_state("s1", AWAY) == (1, None)
    assert down.disconnected("s1") == (1, None)
