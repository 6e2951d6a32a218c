"""OpenID Connect through Authlib's Flask client: Authorization Code with PKCE (S256), the state
and nonce kept in the session and checked on return, the ID token's signature, issuer, audience
and expiry checked against the provider's discovery document and keys. The settings are the
``OIDC_*`` keys of the configuration."""

from __future__ import annotations

import logging
import threading
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app

from intranet.platform.directory import DirectoryPerson, DirectoryUnavailable

log = logging.getLogger(__name__)
CLIENT = "oidc"
_lock = threading.Lock()


class SignInRefused(Exception):
    """The provider said no, or the answer was not for this sign-in (state, nonce, signature)."""


def enabled() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def init_app(app: Flask) -> None:
    OAuth(app)  # the client itself is registered on first use, from the settings of that moment


def authorize_redirect(redirect_uri: str) -> Response:
    """Send the browser to the provider (state, nonce and PKCE verifier saved in the session)."""
    try:
        return _client().authorize_redirect(redirect_uri)
    except (OSError, OAuthError, ValueError) as exc:  # discovery document unreachable or invalid
        issuer = current_app.config["OIDC_ISSUER"]
        raise DirectoryUnavailable(f"OpenID Connect provider {issuer}: {exc}") from exc


def finish() -> DirectoryPerson:
    """The person the provider vouches for, from the callback request's code."""
    try:
        token = _client().authorize_access_token()
    except OAuthError as exc:  # an error from the provider, a state that does not match, a bad token
        raise SignInRefused(exc.error) from exc
    except OSError as exc:
        raise DirectoryUnavailable(f"OpenID Connect token endpoint: {exc}") from exc
    claims = token.get("userinfo") or {}  # the ID token's claims, nonce checked by Authlib
    return _person(claims)


def _client() -> Any:
    oauth: OAuth = current_app.extensions["authlib.integrations.flask_client"]
    with _lock:
        client = oauth.create_client(CLIENT)
        if client is None:
            config = current_app.config
            oauth.register(
                CLIENT, client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
                server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
                client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256",
                               "timeout": 10})
            client = oauth.create_client(CLIENT)
    return client


def _person(claims: dict[str, Any]) -> DirectoryPerson:
    config = current_app.config

    def claim(key: str) -> str:
        value = claims.get(config[f"OIDC_CLAIM_{key}"]) if config[f"OIDC_CLAIM_{key}"] else None
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value or "").strip()

    if claims.get("email_verified") is False:
        raise SignInRefused("email_not_verified")
    external_id, email = claim("ID"), claim("EMAIL")
    if not external_id or not email:
        raise SignInRefused("missing_claims")
    return DirectoryPerson(source="oidc", external_id=external_id, email=email,
                           name=claim("NAME") or email.split("@")[0], job_title=claim("JOB_TITLE"),
                           department=claim("DEPARTMENT"))
