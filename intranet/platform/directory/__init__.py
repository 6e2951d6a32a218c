"""The company's directory and identity provider, as seen by the app: who someone is there.

``ldap`` talks to LDAP / Active Directory (the only ldap3 user), ``oidc`` to an OpenID Connect
provider (the only Authlib user). Both hand back a ``DirectoryPerson``; the actions
(``intranet.actions.directory``) turn it into an account.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DirectoryPerson:
    """One person as the directory or the provider describes them (texts already stripped)."""

    source: str  # "ldap" or "oidc": the account's auth_source
    external_id: str  # the source's stable id for them
    email: str
    name: str
    job_title: str = ""
    department: str = ""


class DirectoryUnavailable(Exception):
    """The directory or the provider did not answer (down, misconfigured, refused our bind)."""
