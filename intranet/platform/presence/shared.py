"""The presence registry of several processes: every socket's state in Redis (``REDIS_URL``).

Same interface as ``local.Registry``; a person is online if any socket anywhere is, away if all
are, else offline, and ``focused_on`` sees the pages of every process, so nobody is notified of a
message in the conversation they are reading on another worker.

Keys (under ``REDIS_KEY_PREFIX`` + ``presence:``): ``s:<sid>`` a hash of the socket's user, state
and focus; ``u:<user id>`` the set of a person's socket ids; ``f:<conversation id>`` the set of
sockets showing a conversation. Each expires ``PRESENCE_TTL_SECONDS`` after it was last renewed.
A process renews its own sockets' keys every third of that (``refresh``), and each signal a socket
sends rewrites them; Engine.IO's heartbeat drops a socket whose client stopped answering (its
``disconnect`` removes the keys). So the keys of a crashed worker, which nobody renews, expire
within the TTL, and the readers below drop the ids of expired sockets from the sets as they go.

Changes and reads are Lua scripts: the state before and after a change is computed atomically
across processes (two workers cannot both announce "online"), and a read is one round trip. A
standalone Redis is assumed (the scripts name keys they build; Redis Cluster would refuse them).
Presence is best effort: when Redis fails, a read says "offline"/"nobody looking" (so a
notification is sent rather than lost) and a change is logged, not raised into the socket.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from intranet.platform.presence.base import OFFLINE, Batches
from intranet.platform.presence.local import Socket
from intranet.platform.redis_store import RedisError

log = logging.getLogger(__name__)
_SAME = object()  # ``_send``: the socket's focus did not move


def _text(value: object) -> str:
    return "" if value is None else str(value)

_STATE_OF = """
local function state_of(p, uid)
  local ukey = p .. 'u:' .. uid
  local away = false
  for _, sid in ipairs(redis.call('SMEMBERS', ukey)) do
    local state = redis.call('HGET', p .. 's:' .. sid, 's')
    if not state then
      redis.call('SREM', ukey, sid)  -- expired: its worker stopped renewing it
    elseif state == 'online' then
      return 'online'
    else
      away = true
    end
  end
  if away then return 'away' end
  return 'offline'
end
"""

# ARGV: prefix, sid, user id, state ('' when the socket is gone), focus ('' none), the focus it
# had before ('' none), TTL in ms. Returns the person's new state if it changed, else nil.
WRITE = _STATE_OF + """
local p, sid, uid, state, focus, old, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local skey, ukey = p .. 's:' .. sid, p .. 'u:' .. uid
local before = state_of(p, uid)
if old ~= '' and old ~= focus then redis.call('SREM', p .. 'f:' .. old, sid) end
if state == '' then
  redis.call('DEL', skey)
  redis.call('SREM', ukey, sid)
  if focus ~= '' then redis.call('SREM', p .. 'f:' .. focus, sid) end
else
  redis.call('HSET', skey, 'u', uid, 's', state, 'f', focus)
  redis.call('PEXPIRE', skey, ttl)
  redis.call('SADD', ukey, sid)
  redis.call('PEXPIRE', ukey, ttl)
  if focus ~= '' then
    redis.call('SADD', p .. 'f:' .. focus, sid)
    redis.call('PEXPIRE', p .. 'f:' .. focus, ttl)
  end
end
local after = state_of(p, uid)
if after == before then return false end
return after
"""

# ARGV: prefix, user ids... Returns their states, in order.
STATES = _STATE_OF + """
local out = {}
for i = 2, #ARGV do out[#out + 1] = state_of(ARGV[1], ARGV[i]) end
return out
"""

# ARGV: prefix, conversation id. Returns the user ids of online sockets showing it.
FOCUSED = """
local p, cid = ARGV[1], ARGV[2]
local fkey = p .. 'f:' .. cid
local out = {}
for _, sid in ipairs(redis.call('SMEMBERS', fkey)) do
  local rec = redis.call('HMGET', p .. 's:' .. sid, 'u', 's', 'f')
  if not rec[1] or rec[3] ~= cid then
    redis.call('SREM', fkey, sid)  -- expired, or the page moved on
  elseif rec[2] == 'online' then
    out[#out + 1] = rec[1]
  end
end
return out
"""


class RedisRegistry(Batches):
    """Presence shared by every process through Redis; this process's own sockets are mirrored
    in ``local`` (who a socket is, to renew and, if a key was lost, rewrite its keys)."""

    def __init__(self, client: Any, prefix: str, ttl: float, start_task: Callable[..., Any] | None = None,
                 sleep: Callable[[float], Any] | None = None) -> None:
        super().__init__()
        self.client, self.prefix, self.ttl = client, f"{prefix}presence:", ttl
        self.local: dict[str, Socket] = {}
        self.lock = threading.Lock()
        self._start_task, self._sleep = start_task, sleep
        self._renewing = False
        self._stop = threading.Event()
        self._write = client.register_script(WRITE)
        self._states = client.register_script(STATES)
        self._focused = client.register_script(FOCUSED)

    # ---- reads -------------------------------------------------------------------------------

    def states(self, user_ids: Iterable[int]) -> dict[int, str]:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return {}
        try:
            found = self._states(args=[self.prefix, *ids])
        except RedisError:
            log.warning("presence: Redis read failed; showing people offline", exc_info=True)
            return dict.fromkeys(ids, OFFLINE)
        return {uid: state.decode() for uid, state in zip(ids, found, strict=True)}

    def focused_on(self, conversation_id: int) -> set[int]:
        """People with a visible page on this conversation, on any worker."""
        try:
            return {int(uid) for uid in self._focused(args=[self.prefix, conversation_id])}
        except RedisError:
            log.warning("presence: Redis read failed; notifying as if nobody were looking", exc_info=True)
            return set()

    # ---- changes by this process's sockets ---------------------------------------------------

    def connected(self, sid: str, user_id: int) -> str | None:
        sock = Socket(user_id)
        with self.lock:
            self.local[sid] = sock
            start = not self._renewing and self._start_task is not None
            self._renewing = self._renewing or start
        if start:
            self._start_task(self._renew_loop)
        return self._send(sid, sock)

    def disconnected(self, sid: str) -> tuple[int | None, str | None]:
        with self.lock:
            sock = self.local.pop(sid, None)
        if sock is None:
            return None, None
        return sock.user_id, self._send(sid, sock, gone=True)

    def set_state(self, sid: str, state: str) -> tuple[int | None, str | None]:
        with self.lock:
            sock = self.local.get(sid)
            if sock is not None:
                sock.state = state
        if sock is None:
            return None, None
        return sock.user_id, self._send(sid, sock)

    def set_focus(self, sid: str, conversation_id: int | None) -> None:
        with self.lock:
            sock = self.local.get(sid)
            if sock is None:
                return
            before, sock.focus = sock.focus, conversation_id
        self._send(sid, sock, previous=before)

    def touch(self, sid: str) -> None:
        """A client's ping: renew its socket's keys now."""
        with self.lock:
            sock = self.local.get(sid)
        if sock is not None:
            self._send(sid, sock)

    def _send(self, sid: str, sock: Socket, *, gone: bool = False, previous: object = _SAME) -> str | None:
        """Write the socket's keys (or remove them, ``gone``); ``previous``: the focus it leaves."""
        focus = _text(sock.focus)
        old = focus if previous is _SAME else _text(previous)
        args = [self.prefix, sid, sock.user_id, "" if gone else sock.state, focus, old, int(self.ttl * 1000)]
        try:
            changed = self._write(args=args)
        except RedisError:
            log.warning("presence: Redis write failed for socket %s", sid, exc_info=True)
            return None
        return changed.decode() if changed else None

    # ---- renewal -----------------------------------------------------------------------------

    def refresh(self) -> int:
        """Renew the keys of this process's sockets; rewrite those that expired meanwhile (the
        process stalled longer than the TTL). Returns how many sockets were renewed."""
        with self.lock:
            mine = [(sid, sock.user_id, sock.focus) for sid, sock in self.local.items()]
        if not mine:
            return 0
        ttl, socket_keys = int(self.ttl * 1000), []
        pipe = self.client.pipeline(transaction=False)
        for sid, user_id, focus in mine:
            socket_keys.append(len(pipe))
            pipe.pexpire(f"{self.prefix}s:{sid}", ttl)
            pipe.pexpire(f"{self.prefix}u:{user_id}", ttl)
            if focus is not None:
                pipe.pexpire(f"{self.prefix}f:{focus}", ttl)
        results = pipe.execute()
        for (sid, _user, _focus), index in zip(mine, socket_keys, strict=True):
            alive = results[index]
            with self.lock:
                sock = self.local.get(sid)
            if not alive and sock is not None:
                self._send(sid, sock)
        return len(mine)

    def _renew_loop(self) -> None:
        """Renew every third of the TTL while this process has sockets (then stop: the next
        connect starts it again)."""
        sleep = self._sleep or self._stop.wait
        while not self._stop.is_set():
            sleep(self.ttl / 3)
            with self.lock:
                if not self.local or self._stop.is_set():
                    self._renewing = False
                    return
            try:
                self.refresh()
            except RedisError:
                log.warning("presence: renewing the sockets' keys failed", exc_info=True)

    def stop(self) -> None:
        """Stop renewing (a process shutting down, or a test playing a crashed worker): this
        process's sockets then look offline everywhere once their keys expire."""
        self._stop.set()
