"""A websocket whose socket is already shut is closed quietly (``realtime/closing.py``).

On a real socket pair: the server side of a real simple-websocket handshake, its socket then
shut under it (as when the client and the server close at once); the writer thread's ``close``
must not raise, which printed a traceback in gunicorn's log during "sign out everywhere"."""

from __future__ import annotations

import base64
import logging
import os
import socket

import pytest
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

from intranet.realtime.closing import QuietCloseWebSocket


def _server_side(wrapper: SimpleWebSocketWSGI, client: socket.socket, server: socket.socket) -> None:
    """Run a real handshake: ``wrapper.ws`` is a connected simple-websocket server."""
    import simple_websocket  # noqa: PLC0415 (the library under Engine.IO's driver)

    key = base64.b64encode(os.urandom(16)).decode()
    environ = {"werkzeug.socket": server, "HTTP_CONNECTION": "Upgrade", "HTTP_UPGRADE": "websocket",
               "HTTP_SEC_WEBSOCKET_KEY": key, "HTTP_SEC_WEBSOCKET_VERSION": "13", "HTTP_HOST": "x",
               "REQUEST_METHOD": "GET", "PATH_INFO": "/socket.io/", "QUERY_STRING": "",
               "SERVER_NAME": "x", "wsgi.url_scheme": "http"}
    wrapper.ws = simple_websocket.Server(environ)
    assert b"101" in client.recv(4096)  # the client got the upgrade


@pytest.mark.parametrize("kind", [QuietCloseWebSocket, SimpleWebSocketWSGI])
def test_closing_a_websocket_whose_socket_is_gone(kind, caplog):
    client, server = socket.socketpair()
    wrapper = kind(handler=None, server=None)
    try:
        _server_side(wrapper, client, server)
        server.close()  # the request ended: its file is shut, the websocket still thinks it is open
        assert wrapper.ws.connected
        if kind is SimpleWebSocketWSGI:  # the library alone: what gunicorn's log showed
            with pytest.raises(OSError, match="Bad file descriptor"):
                wrapper.close()
            return
        with caplog.at_level(logging.INFO, logger="intranet.realtime.closing"):
            wrapper.close()
        assert "websocket already closed" in caplog.text
    finally:
        client.close()  # the reader thread of the websocket sees the end and stops
        thread = getattr(getattr(wrapper, "ws", None), "thread", None)
        if thread is not None:
            thread.join(timeout=10)
            assert not thread.is_alive()
