"""A real HTTP receiver on the loopback for the outbound guard's tests (core and inbox)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver(ThreadingHTTPServer):
    """Answers ``/ok``; ``/to?<url>`` redirects (302) there, ``/post307`` with a 307 to ``/ok``;
    records every request it receives (path, method, Host header, body)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), _Handler)
        self.seen: list[tuple[str, str, str, bytes]] = []

    def url(self, path: str = "/ok") -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append((self.path, self.command, self.headers["Host"], self.rfile.read(length)))
        path, _, query = self.path.partition("?")
        if path in ("/to", "/post307"):
            self.send_response(302 if path == "/to" else 307)
            self.send_header("Location", query if path == "/to" else "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"fine"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


def serve(host: str = "127.0.0.1") -> Receiver:
    server = Receiver(host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
