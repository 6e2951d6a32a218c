"""The app plus one bench-only route, ``POST /bench/hello``: the floor for the webhook bench.

It reads the same raw body the webhook would and answers 202 with a small JSON, through the same
server, middleware and hooks (CSRF exempt like the webhook), so the ratio measures what the
webhook's own work costs. Never imported by the app: ``gunicorn bench.inbox_wsgi:app`` only.
"""

from flask import jsonify, request

from intranet import create_app
from intranet.platform.extensions import csrf

app = create_app()


@app.post("/bench/hello")
@csrf.exempt
def bench_hello():
    body = request.get_data()
    return jsonify(accepted=0, duplicate=0, rejected=[], bytes=len(body)), 202
