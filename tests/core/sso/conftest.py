"""The directory the LDAP tests use: Debian's slapd with two departments and three people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests import ldap_server

PEOPLE_LDIF = "\n".join([
    ldap_server.department_ldif("Marketing"),
    ldap_server.department_ldif("Logistique"),
    ldap_server.person_ldif("jdupont", "Jeanne Dupont", password="jeanne-pass", department="Marketing",
                            title="Chargée de communication"),
    ldap_server.person_ldif("pmartin", "Paul Martin", password="paul-pass", department="Logistique",
                            title="Magasinier", mail="paul.martin@example.com"),
    ldap_server.person_ldif("nomail", "No Mail", password="nomail-pass", mail=""),
])


@pytest.fixture
def directory(app: Any) -> Iterator[ldap_server.Server]:
    """A fresh slapd for the test, and the app configured to sign in through it."""
    if reason := ldap_server.missing_reason():
        pytest.skip(reason)
    server = ldap_server.start(PEOPLE_LDIF)
    app.config.update(server.settings)
    yield server
    server.stop()
