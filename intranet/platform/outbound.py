"""Outbound HTTP: the one way the server fetches or posts to an address somebody typed.

An inbox admin chooses feed and reply addresses; without a guard they could make the server call
``http://127.0.0.1:6379/``, the cloud metadata service at ``169.254.169.254`` or any host of the
company network (server-side request forgery). So every outbound request goes through
``request()`` here, which:

- accepts only http(s) URLs without credentials in them;
- resolves the host once and refuses it when any of its addresses is loopback, private,
  link-local, multicast, reserved, unspecified or otherwise not public, IPv4 or IPv6, including
  IPv4 addresses inside IPv6 ones (``::ffff:127.0.0.1``, 6to4, NAT64);
- connects to the very address it checked (the TLS name and the ``Host`` header stay the host's
  own), so a DNS answer that changes between the check and the connection (DNS rebinding)
  cannot steer it elsewhere;
- follows redirects itself, at most ``MAX_REDIRECTS``, checking each new address the same way.

The administrator may allow hosts of the company network in ``OUTBOUND_ALLOW``
(``INTRANET_OUTBOUND_ALLOW=feeds.corp.local,10.1.2.3:8080,10.20.0.0/16``): a host name or IP
(any port), ``host:port`` (that port only, ``[v6]:port`` for IPv6), or a network in CIDR
notation (matched against the resolved addresses). ``check_url`` runs the same rules when an
address is saved, so a bad one is refused on the form rather than at the first poll.

Proxy environment variables (``http_proxy``) are not used: the server connects directly.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import current_app, has_app_context
from flask_babel import gettext as _

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(OSError):
    """The address may not be called; the message says why, in words for the admin page.

    An ``OSError`` so that callers treating network failures alike need no new branch."""


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes
    url: str  # after redirects


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA), without IPv6 brackets
    port: int
    path: str  # path and query, what the request line carries
    addresses: tuple[str, ...]  # checked, in the resolver's order


# ---- the rules -----------------------------------------------------------------------------


def blocked_address(address: IPAddress) -> bool:
    """True for every address that is not a public unicast one, judging IPv4 addresses
    embedded in IPv6 ones (mapped, 6to4, NAT64) by their IPv4 part too."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return blocked_address(address.ipv4_mapped)
        embedded = address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(address.packed[-4:])
        if embedded is not None and blocked_address(embedded):
            return True
    return (address.is_loopback or address.is_private or address.is_link_local
            or address.is_multicast or address.is_reserved or address.is_unspecified
            or not address.is_global)


@dataclass(frozen=True)
class _Allowed:
    hosts: frozenset[tuple[str, int | None]]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    def host(self, host: str, port: int) -> bool:
        key = _normal_host(host)
        return (key, None) in self.hosts or (key, port) in self.hosts

    def address(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)


def _normal_host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def _allow_entries(config: Mapping[str, Any] | None) -> Iterable[str]:
    if config is None:
        config = current_app.config if has_app_context() else {}
    raw = config.get("OUTBOUND_ALLOW") or ()
    if isinstance(raw, str):  # instance/config.py or a test may give the env's comma-separated form
        raw = raw.split(",")
    return (entry.strip() for entry in raw if entry and entry.strip())


def allowed(config: Mapping[str, Any] | None = None) -> _Allowed:
    """The administrator's allow-list, parsed (``config``: the app's by default); a ValueError
    naming the entry when one is malformed (``init_app`` makes that a start-up failure)."""
    hosts: set[tuple[str, int | None]] = set()
    networks = []
    for entry in _allow_entries(config):
        try:
            if "/" in entry:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            host, port = entry, ""
            if entry.startswith("[") and "]:" in entry:
                host, port = entry.rsplit(":", 1)
            elif entry.count(":") == 1:
                host, port = entry.split(":")
            if not _normal_host(host) or (port and not 0 < int(port) < 65536):
                raise ValueError(entry)
        except ValueError:
            raise ValueError(f"OUTBOUND_ALLOW: {entry!r} is not a host, host:port or network") from None
        hosts.add((_normal_host(host), int(port) if port else None))
    return _Allowed(frozenset(hosts), tuple(networks))


def init_app(app: Any) -> None:
    """Read the allow-list once at start-up, so a typo in it stops the server with its name
    instead of failing every feed poll and reply."""
    allowed(app.config)


# ---- checking an address -------------------------------------------------------------------


def _parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, ASCII host, port and request path of an http(s) URL, or ``OutboundRefused``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise OutboundRefused(_("The address must start with http:// or https://."))
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused(_("The address may not contain a user name or password."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        host = (parts.hostname or "").rstrip(".")
        host = host.encode("idna").decode("ascii") if host else ""
    except (ValueError, UnicodeError):
        raise OutboundRefused(_("This is not a valid web address.")) from None
    if not host:
        raise OutboundRefused(_("The address has no host name."))
    if "%" in host:  # an IPv6 zone (fe80::1%eth0) names a local interface: never a public host
        raise OutboundRefused(_("This is not a valid web address."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, path


def _refusal(host: str, address: str) -> OutboundRefused:
    shown = host if host == address else f"{host} ({address})"
    return OutboundRefused(_(
        "The address %(host)s is inside a private, local or reserved network, which the server "
        "may not call. An administrator can allow it in INTRANET_OUTBOUND_ALLOW.", host=shown))


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(_("The host %(host)s could not be found: %(error)s", host=host,
                        error=str(exc))) from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def _checked(host: str, port: int, allow: _Allowed, addresses: list[str]) -> tuple[str, ...]:
    if allow.host(host, port):
        return tuple(addresses)
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
        if blocked_address(address) and not allow.address(address):
            raise _refusal(host, str(address))
    return tuple(addresses)


def _target(url: str, allow: _Allowed) -> _Target:
    scheme, host, port, path = _parse(url)
    return _Target(scheme, host, port, path, _checked(host, port, allow, _resolve(host, port)))


def check_url(url: str, config: Mapping[str, Any] | None = None) -> None:
    """The save-time check: ``OutboundRefused`` for an address the server would refuse to call.

    A host that does not resolve now passes (it may tomorrow); ``request`` checks again."""
    allow = allowed(config)
    _, host, port, _path = _parse(url)
    try:
        addresses = _resolve(host, port)
    except OSError:
        return
    _checked(host, port, allow, addresses)


# ---- requesting ----------------------------------------------------------------------------


def _connection(target: _Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to ``target.host`` whose socket goes to the checked addresses only."""
    if target.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def connect(_address: Any, timeout: Any = None, source_address: Any = None) -> socket.socket:
        error: OSError | None = None
        for address in target.addresses:
            try:
                return socket.create_connection((address, target.port), timeout, source_address)
            except OSError as exc:
                error = exc
        raise error or OSError("no address")

    conn._create_connection = connect  # type: ignore[attr-defined]  # http.client's own hook
    return conn


def _redirected(method: str, status: int) -> bool:
    """GET and HEAD follow every redirect; a request with a body follows only 307 and 308, which
    keep the method and body (a POST silently turned into a GET would not deliver anything)."""
    return status in REDIRECTS and (method in ("GET", "HEAD") or status in (307, 308))


def request(url: str, *, method: str = "GET", body: bytes | None = None,
            headers: Mapping[str, str] | None = None, timeout: float = 10.0,
            max_bytes: int = 5 * 1024 * 1024, config: Mapping[str, Any] | None = None) -> Response:
    """One guarded request. Returns the final response (any status; the body read up to
    ``max_bytes + 1`` so a caller can tell it was too long); raises ``OutboundRefused`` for a
    forbidden address or too many redirects, ``OSError`` for network failures."""
    allow = allowed(config)
    for _hop in range(MAX_REDIRECTS + 1):
        target = _target(url, allow)
        conn = _connection(target, timeout)
        try:
            conn.request(method, target.path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            location = response.getheader("Location")
            if location and _redirected(method, response.status):
                url = urljoin(url, location.strip())
                continue
            return Response(response.status, response.reason, response.headers,
                            response.read(max_bytes + 1), url)
        except http.client.HTTPException as exc:  # a malformed answer: a network failure too
            raise OSError(_("The server's answer is not valid HTTP: %(error)s",
                            error=str(exc) or type(exc).__name__)) from exc
        finally:
            conn.close()
    raise OutboundRefused(_("Too many redirects (more than %(n)d).", n=MAX_REDIRECTS))
