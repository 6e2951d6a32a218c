"""WSGI entry point: ``gunicorn wsgi:app``; ``python wsgi.py`` serves it for development."""

from intranet import create_app
from intranet.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=5000, allow_unsafe_werkzeug=True)
