"""A client that goes away is not a server error.

When a page is left while its Socket.IO connection is being upgraded from polling to a
websocket (a few hundred ms after every page load, so at every quick click), engine.io answers
the upgrade probe on a websocket the browser has just closed: its send raises a bare ``OSError``
out of the WSGI call, and gunicorn logged it as ``[ERROR] Socket error processing request.``
with two tracebacks. Nothing was wrong: the client left. Engine.IO's threading driver is given
a websocket wrapper that recognises that case (an error while the websocket is no longer
connected), notes it at INFO, and ends the request the way the driver ends a finished one. Any
error on a websocket still open is raised as before.

The same race at the other end: when the server drops a socket (sign out everywhere) while the
client is closing it, Engine.IO's writer thread closes a websocket whose file is already shut,
and simple-websocket's ``close`` raised ``OSError: [Errno 9] Bad file descriptor`` as an
uncaught thread exception with its traceback in the server's log. Closing what is closed is done.
"""

from __future__ import annotations

import logging
from typing import Any

from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from flask_socketio import SocketIO

log = logging.getLogger(__name__)


class QuietCloseWebSocket(SimpleWebSocketWSGI):
    """``SimpleWebSocketWSGI`` that takes a websocket closed by its client as the normal end."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return super().__call__(environ, start_response)
        except OSError as exc:
            ws = getattr(self, "ws", None)
            # ConnectionError is how the driver itself ends a finished request under Werkzeug
            if isinstance(exc, ConnectionError) or ws is None or ws.connected:
                raise
            log.info("websocket closed by the client (%s) while the server answered it",
                     ws.close_reason)
            if ws.mode == "gunicorn":  # as the driver ends a finished websocket request
                raise StopIteration() from None
            if ws.mode == "werkzeug":
                raise ConnectionError() from None
            return []

    def close(self) -> None:
        """The writer thread's last act; a websocket whose socket is already gone is closed."""
        try:
            super().close()
        except OSError as exc:
            log.info("websocket already closed when the server closed it (%s)", exc)


def quiet_client_closes(socketio: SocketIO) -> None:
    """Install the wrapper in this Socket.IO server's engine (threading mode with
    simple-websocket, the default; other drivers are left as they are)."""
    engine = socketio.server.eio
    if engine._async.get("websocket") is SimpleWebSocketWSGI:
        engine._async = {**engine._async, "websocket": QuietCloseWebSocket}
