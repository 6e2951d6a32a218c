"""WSGI entry point: ``gunicorn wsgi:app``; ``python wsgi.py`` serves it for development."""

import gc

from intranet import create_app
from intranet.platform.extensions import socketio

app = create_app()
# What is loaded by now (modules, mappers, compiled statements...) lives as long as the process:
# move it out of the collector's reach. A full collection scanned those ~125,000 objects in
# ~80 ms, and each one landed on some live message: the messaging bench's p99 (bench/README.md).
gc.freeze()
# What a server allocates later (a thousand sockets, their threads and sessions) also lives long:
# with the default thresholds (700, 10, 10) a wave of reconnections after a restart ran a full
# collection every ~70,000 allocations, 30-140 ms each, several per wave. Young garbage is still
# collected ten times less often, in bigger, rarer passes.
gc.set_threshold(7_000, 20, 20)

if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=5000, allow_unsafe_werkzeug=True)
