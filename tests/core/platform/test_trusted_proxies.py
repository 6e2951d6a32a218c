"""TRUSTED_PROXIES: behind nginx, the client's address and scheme come from X-Forwarded-*."""

from __future__ import annotations

import shutil

import pytest
from flask import request

from intranet import create_app
from intranet.platform import db
from intranet.platform.extensions import limiter
from tests.conftest import PASSWORD, WebClient, _config


def _app(tmp_path, template_db, hops: int):
    db_file = tmp_path / "intranet.db"
    shutil.copy(template_db, db_file)
    url = f"sqlite:///{db_file}"
    app = create_app({**_config(tmp_path, url), "DATABASE_URL": url, "TRUSTED_PROXIES": hops})
    limiter.reset()
    return app


def _failed_logins(app, addresses: list[str]) -> list[int]:
    """One wrong password from each address, as nginx would forward them."""
    client = WebClient(app, app.test_client())  # with a CSRF token, as the login form has
    statuses = []
    for n, address in enumerate(addresses):  # one account each: an account alone waits sooner
        response = client.post("/login", data={"email": f"person{n}@example.com",
                                               "password": "wrong " + PASSWORD},
                               headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"},
                               environ_base={"REMOTE_ADDR": "127.0.0.1"})
        statuses.append(response.status_code)
    return statuses


@pytest.mark.parametrize("hops", [0, 1])
def test_the_login_limit_is_per_client_only_behind_a_trusted_proxy(tmp_path, template_db, hops):
    app = _app(tmp_path, template_db, hops)
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = _failed_logins(app, ["203.0.113.7"] * limit + ["203.0.113.8"])
    assert statuses[:limit] == [400] * limit
    # trusted: the next person has their own budget; not trusted: everyone is nginx's 127.0.0.1
    assert statuses[-1] == (400 if hops else 429)
    with app.app_context():
        db.engine().dispose()


def test_a_trusted_proxy_gives_the_scheme_and_client_address(tmp_path, template_db):
    app = _app(tmp_path, template_db, 1)
    seen = {}

    @app.get("/_probe")
    def probe():
        seen.update(addr=request.remote_addr, scheme=request.scheme, host=request.host)
        return "ok"

    app.test_client().get("/_probe", headers={"X-Forwarded-For": "10.1.2.3, 198.51.100.4",
                                              "X-Forwarded-Proto": "https",
                                              "X-Forwarded-Host": "intranet.acme.example"})
    # one hop trusted: the address nginx saw (the last), not what the client wrote before it
    assert seen == {"addr": "198.51.100.4", "scheme": "https", "host": "intranet.acme.example"}
    with app.app_context():
        db.engine().dispose()
