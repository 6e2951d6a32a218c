"""The outbound guard against real HTTP receivers on the loopback: refused unless allowed,
redirects checked hop by hop, every private form of address refused, the checked address used."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from intranet import create_app
from intranet.platform import outbound
from intranet.platform.outbound import OutboundRefused, blocked_address
from tests.outbound_helpers import Receiver, serve

PRIVATE_URLS = [
    "http://localhost/", "http://localhost.:8080/x", "http://127.0.0.1/", "http://127.1.2.3:5432/",
    "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/", "http://0.0.0.0/", "http://0/", "http://2130706433/", "http://0x7f.1/",
    "http://224.0.0.1/", "http://255.255.255.255/", "http://[::1]/", "http://[::]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]:8080/", "http://[::ffff:a9fe:a9fe]/",
    "http://[fe80::1]/", "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[ff02::1]/",
    "http://[2002:7f00:1::]/", "http://[64:ff9b::a00:1]/", "https://127.0.0.1:8443/",
]


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    servers = (serve(), serve())
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


def test_a_local_receiver_is_refused_without_the_allow_list(ctx, receivers):
    first, _ = receivers
    with pytest.raises(OutboundRefused, match=r"127\.0\.0\.1"):
        outbound.request(first.url())
    with pytest.raises(OutboundRefused):
        outbound.request(first.url(), method="POST", body=b"{}")
    assert first.seen == []  # refused before any connection


def test_the_allow_list_lets_a_host_or_a_host_and_port_through(ctx, receivers):
    first, second = receivers
    port = first.server_address[1]
    ctx.config["OUTBOUND_ALLOW"] = ("127.0.0.1",)
    response = outbound.request(first.url(), method="POST", body=b'{"a": 1}')
    assert (response.status, response.body) == (200, b"fine")
    assert first.seen == [("/ok", "POST", f"127.0.0.1:{port}", b'{"a": 1}')]
    ctx.config["OUTBOUND_ALLOW"] = f"example.org, 127.0.0.1:{port}"  # the environment's form
    assert outbound.request(first.url()).status == 200
    with pytest.raises(OutboundRefused):  # the same host on another port is not listed
        outbound.request(second.url())
    ctx.config["OUTBOUND_ALLOW"] = ("127.0.0.0/8",)  # a network matches the resolved address
    assert outbound.request(second.url()).status == 200
    assert len(second.seen) == 1


def test_a_redirect_from_an_allowed_host_to_a_private_address_is_refused(ctx, receivers):
    first, second = receivers
    ctx.config["OUTBOUND_ALLOW"] = (f"127.0.0.1:{first.server_address[1]}",)
    for target in (second.url(), "http://169.254.169.254/latest/meta-data", "http://[::1]/",
                   "http://localhost/"):
        with pytest.raises(OutboundRefused, match="INTRANET_OUTBOUND_ALLOW"):
            outbound.request(first.url(f"/to?{target}"))
    assert second.seen == []
    assert [path for path, *_ in first.seen] == ["/to?" + t for t in (
        second.url(), "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://localhost/")]


def test_redirects_are_followed_by_hand_and_bounded(ctx, receivers):
    first, _ = receivers
    ctx.config["OUTBOUND_ALLOW"] = ("127.0.0.1",)
    followed = outbound.request(first.url(f"/to?{first.url('/ok')}"))
    assert (followed.status, followed.url) == (200, first.url("/ok"))
    loop = first.url("/to?/to?/to?/to?/to?/to?/to?/ok")  # each hop strips one /to?
    with pytest.raises(OutboundRefused, match="redirects"):
        outbound.request(loop)
    assert len(first.seen) == 2 + outbound.MAX_REDIRECTS + 1
    kept = outbound.request(first.url("/post307"), method="POST", body=b"x")  # 307 keeps the body
    path, method, _host, body = first.seen[-1]
    assert kept.status == 200 and (path, method, body) == ("/ok", "POST", b"x")
    not_followed = outbound.request(first.url(f"/to?{first.url('/ok')}"), method="POST", body=b"x")
    assert not_followed.status == 302  # a POST turned into a GET would deliver nothing


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_names_and_literals_of_private_addresses_are_refused(ctx, url):
    with pytest.raises(OutboundRefused, match="INTRANET_OUTBOUND_ALLOW"):
        outbound.check_url(url)
    with pytest.raises(OutboundRefused, match="INTRANET_OUTBOUND_ALLOW"):
        outbound.request(url, timeout=1)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "gopher://x/",
                                 "http://user:pw@example.org/", "http://@example.org/", "http:///x",
                                 "http://example.org:99999/", "http://[fe80::1%25lo]/",
                                 "javascript:alert(1)"])
def test_addresses_that_are_not_plain_web_addresses_are_refused(ctx, url):
    with pytest.raises(OutboundRefused):
        outbound.check_url(url)


def test_public_addresses_pass_and_unresolvable_names_wait_for_the_fetch(ctx):
    for address in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"):
        assert not blocked_address(ipaddress.ip_address(address))
    outbound.check_url("https://8.8.8.8/feed")
    outbound.check_url("https://[2001:4860:4860::8888]/feed")
    outbound.check_url("https://reviews.invalid/feed.rss")  # no answer now: checked when fetched
    with pytest.raises(OSError, match="could not be found"):
        outbound.request("https://reviews.invalid/feed.rss")


def test_the_connection_goes_to_the_address_that_was_checked(ctx, receivers, monkeypatch):
    """DNS rebinding: a name that answers an allowed address, then a forbidden one, is still
    fetched from the first (the resolver stands in for a hostile DNS server)."""
    first, _ = receivers
    port = first.server_address[1]
    ctx.config["OUTBOUND_ALLOW"] = ("127.0.0.1/32",)
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "169.254.169.254", "169.254.169.254"])

    def rebinding(host: str, *args: Any, **kw: Any) -> Any:
        return real(next(answers) if host == "rebind.test" else host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    response = outbound.request(f"http://rebind.test:{port}/ok", timeout=2)
    assert response.status == 200
    assert first.seen == [("/ok", "GET", f"rebind.test:{port}", b"")]
    assert next(answers) == "169.254.169.254"  # resolved once for the request, not again


def test_a_malformed_allow_list_stops_the_start(tmp_path, database_url):
    config = {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url,
              "SEARCH_INDEX_DIR": str(tmp_path / "i"), "UPLOAD_DIR": str(tmp_path / "u")}
    for bad in ("10.0.0.0/33", "host:port", "host:70000", "[::1]:x"):
        with pytest.raises(ValueError, match="OUTBOUND_ALLOW"):
            create_app({**config, "OUTBOUND_ALLOW": bad})
    assert create_app({**config, "OUTBOUND_ALLOW": "a.example, b.example:8080,[::1]:81, 10.0.0.0/8"})
