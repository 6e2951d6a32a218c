"""Open-loop, fixed-rate HTTP load for latency percentiles (stdlib only; wrk has no fixed rate).

    python bench/fixed_rate.py --url http://127.0.0.1:8765/ --rate 50 --duration 15 \
        --header "Cookie: session=..." --json

Request *i* is due at ``start + i / rate`` whatever happened before: a slow response does not
delay the schedule, and latency is measured from the due time, so queueing behind a slow request
counts against the server (no "coordinated omission"). Worker threads each keep one keep-alive
connection; there are enough of them that a free one is normally waiting when a request is due.
Run it in its own process, away from the server it measures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit

STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


class Run:
    def __init__(self, url: str, rate: float, duration: float, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.rate, self.total, self.headers = rate, int(rate * duration), headers
        self.lock = threading.Lock()
        self.next_index = 0
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.late_starts = 0  # requests that left more than 5 ms after their due time
        self.start = 0.0

    def _take(self) -> int | None:
        with self.lock:
            if self.next_index >= self.total:
                return None
            self.next_index += 1
            return self.next_index - 1

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=30)

    def _send(self, conn: http.client.HTTPConnection) -> tuple[http.client.HTTPConnection, int | str]:
        """One GET; a kept-alive connection the server has since closed is reopened once, as
        browsers do (gunicorn closes idle keep-alive connections after 2 s)."""
        for attempt in (1, 2):
            try:
                conn.request("GET", self.path, headers=self.headers)
                response = conn.getresponse()
                response.read()
                return conn, response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = self._connect()
                if attempt == 2 or not isinstance(exc, STALE):
                    return conn, type(exc).__name__
        raise AssertionError("unreachable")

    def worker(self) -> None:
        conn = self._connect()
        while (i := self._take()) is not None:
            due = self.start + i / self.rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.005:
                with self.lock:
                    self.late_starts += 1
            conn, status = self._send(conn)
            done = time.perf_counter()
            with self.lock:
                if status == 200:
                    self.latencies.append(done - due)
                else:
                    self.errors[str(status)] = self.errors.get(str(status), 0) + 1
        conn.close()

    def go(self, threads: int) -> dict:
        workers = [threading.Thread(target=self.worker, daemon=True) for _ in range(threads)]
        self.start = time.perf_counter() + 0.2
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - self.start
        lat = sorted(x * 1000 for x in self.latencies)
        return {
            "target_rate": self.rate, "achieved_rate": round(len(lat) / elapsed, 1),
            "requests": len(lat), "errors": self.errors, "late_starts": self.late_starts,
            "p50_ms": round(percentile(lat, 50), 2), "p90_ms": round(percentile(lat, 90), 2),
            "p99_ms": round(percentile(lat, 99), 2), "max_ms": round(lat[-1], 2) if lat else None,
        }


def main() -> None:
    p = argparse.ArgumentParser(description="Open-loop fixed-rate GET load with latency percentiles.")
    p.add_argument("--url", required=True)
    p.add_argument("--rate", type=float, required=True, help="requests per second")
    p.add_argument("--duration", type=float, default=15.0, help="seconds")
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--header", action="append", default=[], help='"Name: value", repeatable')
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    result = Run(args.url, args.rate, args.duration, headers).go(args.threads)
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
