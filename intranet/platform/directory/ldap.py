"""LDAP / Active Directory through ldap3: check a password by binding as the person, and list
everyone for ``directory sync``. The settings are the ``LDAP_*`` keys of the configuration."""

from __future__ import annotations

import logging
import ssl
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import current_app
from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from intranet.platform.directory import DirectoryPerson, DirectoryUnavailable

log = logging.getLogger(__name__)
FIELDS = ("NAME", "EMAIL", "JOB_TITLE", "DEPARTMENT")
PAGE_SIZE = 500  # Active Directory answers at most 1,000 entries per page


def enabled() -> bool:
    return bool(current_app.config["LDAP_URL"])


def authenticate(login: str, password: str) -> DirectoryPerson | None:
    """The person whose entry matches ``login`` if ``password`` is theirs, else None.

    An empty password is refused here: LDAP takes a bind with a name and no password as an
    anonymous bind, which succeeds (RFC 4513 §5.1.2). Raises DirectoryUnavailable when the
    directory cannot be asked.
    """
    login = login.strip()
    if not login or not password:
        return None
    config = current_app.config
    with _service_connection() as conn:
        search = config["LDAP_USER_FILTER"].replace("{login}", escape_filter_chars(login))
        conn.search(config["LDAP_BASE_DN"], search, SUBTREE, attributes=_attributes(), size_limit=2)
        entries = [e for e in conn.response or () if e.get("type") == "searchResEntry"]
    if len(entries) != 1:  # nobody, or an ambiguous filter: refuse rather than guess
        if len(entries) > 1:
            log.warning("LDAP: %d entries match the login %r; refine LDAP_USER_FILTER", len(entries), login)
        return None
    try:
        with _connection(entries[0]["dn"], password):
            pass
    except _WrongPassword:
        return None
    return _person(entries[0])


def people() -> Iterator[DirectoryPerson]:
    """Everyone LDAP_SYNC_FILTER selects, page by page (entries without an e-mail are skipped)."""
    config = current_app.config
    with _service_connection() as conn:
        try:
            pages = conn.extend.standard.paged_search(
                config["LDAP_BASE_DN"], config["LDAP_SYNC_FILTER"], SUBTREE, attributes=_attributes(),
                paged_size=PAGE_SIZE, generator=True)
            for entry in pages:
                if entry.get("type") == "searchResEntry" and (person := _person(entry)) is not None:
                    yield person
        except LDAPException as exc:
            raise DirectoryUnavailable(f"LDAP search failed: {exc}") from exc


class _WrongPassword(Exception):
    pass


@contextmanager
def _service_connection() -> Iterator[Connection]:
    """Bound as LDAP_BIND_DN (anonymous when unset): a refused bind is a configuration error."""
    config = current_app.config
    try:
        with _connection(config["LDAP_BIND_DN"], config["LDAP_BIND_PASSWORD"]) as conn:
            yield conn
    except _WrongPassword as exc:
        raise DirectoryUnavailable("LDAP refused LDAP_BIND_DN's password") from exc


class _connection:
    """A bound connection, unbound on exit. A refused bind raises _WrongPassword; anything else
    (no answer, TLS failure) raises DirectoryUnavailable."""

    def __init__(self, dn: str, password: str) -> None:
        self.dn, self.password = dn, password
        self.conn: Connection | None = None

    def __enter__(self) -> Connection:
        config = current_app.config
        timeout = config["LDAP_TIMEOUT"]
        try:
            conn = Connection(_server(), user=self.dn or None, password=self.password or None,
                              receive_timeout=int(timeout), read_only=True, raise_exceptions=False)
            conn.open()
            if config["LDAP_START_TLS"] and not conn.start_tls():
                raise DirectoryUnavailable(f"LDAP StartTLS refused: {conn.result}")
            self.conn = conn
            if not conn.bind():
                conn.unbind()
                if (conn.result or {}).get("description") == "invalidCredentials":
                    raise _WrongPassword
                raise DirectoryUnavailable(f"LDAP bind refused: {conn.result}")
        except LDAPException as exc:
            raise DirectoryUnavailable(f"LDAP server {config['LDAP_URL']} unreachable: {exc}") from exc
        return conn

    def __exit__(self, *exc: object) -> None:
        if self.conn is not None:
            self.conn.unbind()


def _server() -> Server:
    config = current_app.config
    url = config["LDAP_URL"]
    tls = None
    if url.startswith("ldaps://") or config["LDAP_START_TLS"]:
        tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=config["LDAP_CA_FILE"] or None)
    return Server(url, tls=tls, get_info=NONE, connect_timeout=config["LDAP_TIMEOUT"])


def _attributes() -> list[str]:
    config = current_app.config
    names = [config["LDAP_ATTR_ID"]] + [config[f"LDAP_ATTR_{f}"] for f in FIELDS]
    return [n for n in dict.fromkeys(names) if n]


def _person(entry: Mapping[str, Any]) -> DirectoryPerson | None:
    config = current_app.config
    attrs, raw = entry.get("attributes") or {}, entry.get("raw_attributes") or {}
    email = _first(attrs, config["LDAP_ATTR_EMAIL"])
    if not email:
        log.info("LDAP: %s has no %s; skipped", entry.get("dn"), config["LDAP_ATTR_EMAIL"])
        return None
    return DirectoryPerson(
        source="ldap", external_id=_stable_id(raw, config["LDAP_ATTR_ID"]) or entry["dn"].lower(),
        email=email, name=_first(attrs, config["LDAP_ATTR_NAME"]) or email.split("@")[0],
        job_title=_first(attrs, config["LDAP_ATTR_JOB_TITLE"]),
        department=_first(attrs, config["LDAP_ATTR_DEPARTMENT"]),
    )


def _first(attrs: Mapping[str, Any], name: str) -> str:
    """An attribute's first value as stripped text ("" when absent or unset)."""
    value = _lookup(attrs, name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").strip()


def _stable_id(raw: Mapping[str, Any], name: str) -> str:
    """entryUUID is text; Active Directory's objectGUID is 16 bytes, little-endian in part."""
    value = _lookup(raw, name)
    value = value[0] if isinstance(value, list | tuple) and value else value
    if not isinstance(value, bytes) or not value:
        return ""
    if len(value) == 16 and name.lower() == "objectguid":
        return str(uuid.UUID(bytes_le=value))
    return value.decode("utf-8", "replace").strip().lower()


def _lookup(attrs: Mapping[str, Any], name: str) -> Any:
    """Attribute names are case-insensitive in LDAP; the server may spell them its own way."""
    if not name:
        return None
    if name in attrs:
        return attrs[name]
    lowered = name.lower()
    return next((v for k, v in attrs.items() if k.lower() == lowered), None)
