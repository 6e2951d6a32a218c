"""A real OpenID Connect provider on 127.0.0.1 for the tests, built from Authlib's authorization
server: discovery document, JWKS, a login page, Authorization Code with PKCE (required) and
nonce (required), ID tokens signed RS256. Accounts, clients and codes live in memory.

``start(people, redirect_uri)`` serves it from a thread on a free port; ``provider.seen`` keeps
what the last authorization requests carried (PKCE method, nonce) for the tests to check.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, jsonify, render_template_string, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from tests.ports import free_port

CLIENT_ID, CLIENT_SECRET = "intranet", "intranet-client-secret"
LOGIN_PAGE = """<!doctype html><title>Example ID</title><h1>Example ID</h1>
<form method="post" action="/authorize">
{% for k, v in args.items() %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<label>Username <input name="username"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Continue</button>{% if error %}<p>{{ error }}</p>{% endif %}</form>"""


@dataclass
class Account:
    sub: str
    password: str
    claims: dict[str, Any]  # name, email, job_title, department...


@dataclass
class Client(ClientMixin):
    redirect_uri: str

    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, CLIENT_SECRET)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    user: Account
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return "0"

    def get_amr(self) -> list[str]:
        return ["pwd"]


@dataclass
class Provider:
    issuer: str
    accounts: dict[str, Account]
    client: Client
    key: RSAKey
    codes: dict[str, Code] = field(default_factory=dict)
    seen: list[dict[str, str]] = field(default_factory=list)
    server: Any = None

    def stop(self) -> None:
        self.server.shutdown()


def _grants(provider: Provider) -> tuple[type, type]:
    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            payload = req.payload
            provider.codes[code] = Code(code, req.user, payload.redirect_uri, payload.scope,
                                        payload.data.get("nonce"), payload.data.get("code_challenge"),
                                        payload.data.get("code_challenge_method"))

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            return provider.codes.get(code)

        def delete_authorization_code(self, authorization_code: Code) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> Account:
            return authorization_code.user

    class Connect(OpenIDCode):
        def exists_nonce(self, nonce: str, req: Any) -> bool:
            return any(c.nonce == nonce for c in provider.codes.values())

        def resolve_client_private_key(self, client: Client) -> RSAKey:
            return provider.key

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            return {"iss": provider.issuer, "aud": [CLIENT_ID], "exp": int(time.time()) + 300}

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": provider.key.kid}

        def generate_user_info(self, user: Account, scope: str) -> UserInfo:
            return UserInfo(sub=user.sub, **user.claims)

    return CodeGrant, Connect


def _app(provider: Provider) -> Flask:
    app = Flask(__name__)
    app.secret_key = secrets.token_hex(16)
    server = AuthorizationServer(app, query_client=lambda cid: provider.client if cid == CLIENT_ID else None,
                                 save_token=lambda token, req: None)
    code_grant, connect = _grants(provider)
    server.register_grant(code_grant, [connect(require_nonce=True), CodeChallenge(required=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        return jsonify(issuer=provider.issuer, authorization_endpoint=f"{provider.issuer}/authorize",
                       token_endpoint=f"{provider.issuer}/token", jwks_uri=f"{provider.issuer}/jwks",
                       response_types_supported=["code"], subject_types_supported=["public"],
                       id_token_signing_alg_values_supported=["RS256"],
                       code_challenge_methods_supported=["S256"],
                       scopes_supported=["openid", "email", "profile"],
                       token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"])

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(keys=[provider.key.as_dict(private=False)])

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        args = {k: v for k, v in request.values.items() if k not in {"username", "password"}}
        provider.seen.append(args)
        if request.method == "GET":
            return render_template_string(LOGIN_PAGE, args=args, error=None)
        account = provider.accounts.get(request.form.get("username", ""))
        password = request.form.get("password", "")
        if account is None or not secrets.compare_digest(account.password, password):
            return render_template_string(LOGIN_PAGE, args=args, error="Wrong username or password"), 400
        return server.create_authorization_response(grant_user=account)

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    return app


def start(accounts: list[Account], redirect_uri: str) -> Provider:
    port = free_port()
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1"}, private=True)
    provider = Provider(issuer=f"http://127.0.0.1:{port}", accounts={a.sub: a for a in accounts},
                        client=Client(redirect_uri), key=key)
    provider.server = make_server("127.0.0.1", port, _app(provider), threaded=True)
    threading.Thread(target=provider.server.serve_forever, daemon=True).start()
    return provider


def settings(provider: Provider, name: str = "Example ID") -> dict[str, str]:
    """The app's configuration for this provider."""
    return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_PROVIDER_NAME": name}
