"""The directory the LDAP tests use: Debian's slapd with two departments and three people
(``tests.ldap_server.PEOPLE_LDIF``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests import ldap_server
from tests.ldap_server import PEOPLE_LDIF


@pytest.fixture
def directory(app: Any) -> Iterator[ldap_server.Server]:
    """A fresh slapd for the test, and the app configured to sign in through it."""
    if reason := ldap_server.missing_reason():
        pytest.skip(reason)
    server = ldap_server.start(PEOPLE_LDIF)
    app.config.update(server.settings)
    yield server
    server.stop()
