"""A real OAuth 2.0 authorization server built with Authlib (Flask), for tests on loopback.

Started by the TypeScript launcher (src/launch.ts) with Debian's /usr/bin/python3:

    /usr/bin/python3 server/authlib_server.py < config.json

The first line on stdin is the JSON configuration (host, port, scopes, clients with their
secrets, lifetimes; see src/launch.ts); the server then prints one JSON line on stdout, {"port": <n>}, and serves until it
gets SIGTERM or its stdin closes (the launcher died), whichever comes first.

Everything is in memory. Nothing here is meant for production.
"""

import json
import logging
import os
import secrets
import sys
import threading
import time

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.util import scope_to_list, list_to_scope
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

# Query parameters a test (or a person) adds to an authorization URL to drive the consent step,
# which is otherwise approved at once for DEFAULT_USER.
DECISION_PARAM = "harness_decision"  # "deny" → access_denied
GRANT_SCOPE_PARAM = "harness_grant_scope"  # grant only these scopes (space-separated)
USER_PARAM = "harness_user"
DEFAULT_USER = "user-1"


class S256Required(CodeChallenge):
    """PKCE with S256 for every client, confidential too (Authlib alone lets a confidential client
    skip PKCE and accepts "plain")."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant):
        if not grant.request.data.get("code_challenge"):
            raise InvalidRequestError('Missing "code_challenge"', state=grant.request.state)
        if grant.request.data.get("code_challenge_method") != "S256":
            raise InvalidRequestError('"code_challenge_method" must be S256', state=grant.request.state)


class Client:
    """A registered client; the attributes are those of the launcher's configuration."""

    def __init__(self, config):
        self.client_id = config["clientId"]
        self.client_secret = config.get("clientSecret")
        self.auth_method = config["tokenEndpointAuthMethod"]
        self.grant_types = list(config["grantTypes"])
        self.redirect_uris = list(config["redirectUris"])
        self.scope = config["scope"]
        self.rotate_refresh_token = config.get("refreshTokenPolicy", "rotate") == "rotate"

    # authlib.oauth2.rfc6749.ClientMixin
    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        if not scope:
            return ""
        allowed = set(scope_to_list(self.scope))
        return list_to_scope([s for s in scope_to_list(scope) if s in allowed])

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return self.client_secret is not None and secrets.compare_digest(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        # Only the method the client registered: a test therefore proves which one was used.
        return method == self.auth_method

    def check_response_type(self, response_type):
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


class AuthorizationCode:
    def __init__(self, code, client_id, redirect_uri, scope, user, challenge, challenge_method):
        self.code = code
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.user = user
        self.code_challenge = challenge
        self.code_challenge_method = challenge_method
        self.expires_at = time.time() + 60

    # authlib.oauth2.rfc6749.AuthorizationCodeMixin
    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope


class Token:
    def __init__(self, client_id, user, body):
        self.client_id = client_id
        self.user = user
        self.access_token = body["access_token"]
        self.refresh_token = body.get("refresh_token")
        self.scope = body.get("scope", "")
        self.expires_in = body["expires_in"]
        self.issued_at = time.time()
        self.revoked = False
        self.refresh_spent = False  # rotation: the refresh token was exchanged

    # authlib.oauth2.rfc6749.TokenMixin
    def check_client(self, client):
        return self.client_id == client.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.revoked


class Store:
    """Clients, codes and tokens in memory, behind one lock (the server is threaded)."""

    def __init__(self, clients):
        self.lock = threading.Lock()
        self.clients = {c.client_id: c for c in clients}
        self.codes = {}
        self.by_access = {}
        self.by_refresh = {}
        self.token_requests = {}
        self.revocations = 0

    def count(self, grant_type):
        with self.lock:
            self.token_requests[grant_type] = self.token_requests.get(grant_type, 0) + 1

    def save_token(self, token):
        with self.lock:
            self.by_access[token.access_token] = token
            if token.refresh_token:
                self.by_refresh[token.refresh_token] = token


def create_app(config):
    store = Store([Client(c) for c in config["clients"]])
    app = Flask("authlib-harness")
    app.config.update(
        OAUTH2_REFRESH_TOKEN_GENERATOR=True,
        OAUTH2_TOKEN_EXPIRES_IN={
            "authorization_code": config["ttl"]["accessToken"],
            "refresh_token": config["ttl"]["accessToken"],
            "client_credentials": config["ttl"]["clientCredentials"],
        },
        OAUTH2_SCOPES_SUPPORTED=config["scopes"],
    )

    def save_token(body, req):
        store.save_token(Token(req.client.client_id, req.user, body))

    server = AuthorizationServer(app, query_client=store.clients.get, save_token=save_token)

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def save_authorization_code(self, code, req):
            # The consent may grant fewer scopes than requested, never more.
            scope = req.scope
            granted = req.data.get(GRANT_SCOPE_PARAM)
            if granted is not None:
                scope = list_to_scope([s for s in scope_to_list(req.scope) if s in scope_to_list(granted)])
            with store.lock:
                store.codes[code] = AuthorizationCode(
                    code,
                    req.client.client_id,
                    req.redirect_uri,
                    scope,
                    req.user,
                    req.data.get("code_challenge"),
                    req.data.get("code_challenge_method"),
                )

        def query_authorization_code(self, code, client):
            with store.lock:
                item = store.codes.get(code)
            if item is not None and item.client_id == client.client_id and time.time() < item.expires_at:
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            with store.lock:
                store.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class RefreshGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def authenticate_refresh_token(self, refresh_token):
            # Check and spend in one step: two concurrent refreshes with one rotating token get
            # one success and one invalid_grant, never two new tokens.
            with store.lock:
                token = store.by_refresh.get(refresh_token)
                if token is None or token.refresh_spent:
                    return None
                if self.request.client.rotate_refresh_token:
                    token.refresh_spent = True
                return token

        def authenticate_user(self, credential):
            return credential.user

        def issue_token(self, user, credential):
            # "rotate": a new refresh token each time (the old one is spent in authenticate_refresh_token).
            # "keep": the response has no refresh_token; the client keeps using its old one.
            rotate = self.request.client.rotate_refresh_token
            scope = self.request.scope or credential.get_scope()
            body = self.generate_token(user=user, scope=scope, include_refresh_token=rotate)
            if not rotate:
                body = dict(body)
                keep = dict(body, refresh_token=credential.refresh_token)
                store.save_token(Token(credential.client_id, user, keep))
                body.pop("refresh_token", None)
            return body

        def save_token(self, token):
            if self.request.client.rotate_refresh_token:
                super().save_token(token)

        def revoke_old_credential(self, credential):
            pass  # already spent by authenticate_refresh_token (rotating clients only)

    class ServiceGrant(grants.ClientCredentialsGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    class Revocation(RevocationEndpoint):
        """RFC 7009. A client may revoke only its own tokens (Authlib's check_client); an unknown
        token is a 200 as the RFC says. Revoking a refresh token ends its grant: the access token
        issued with it stops working too; revoking an access token leaves the refresh token."""

        CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def query_token(self, token_string, token_type_hint):
            with store.lock:
                by_access = store.by_access.get(token_string)
                by_refresh = store.by_refresh.get(token_string)
            if token_type_hint == "access_token":
                return by_access or by_refresh
            return by_refresh or by_access

        def revoke_token(self, token, request):
            with store.lock:
                store.revocations += 1
                token.revoked = True
                if request.form.get("token") == token.refresh_token:
                    token.refresh_spent = True

    server.register_grant(CodeGrant, [S256Required(required=True)])
    server.register_grant(RefreshGrant)
    server.register_grant(ServiceGrant)
    server.register_endpoint(Revocation)

    @app.get("/.well-known/oauth-authorization-server")
    def metadata():
        issuer = request.host_url.rstrip("/")
        return jsonify(
            issuer=issuer,
            authorization_endpoint=f"{issuer}/authorize",
            token_endpoint=f"{issuer}/token",
            scopes_supported=config["scopes"],
            response_types_supported=["code"],
            grant_types_supported=["authorization_code", "refresh_token", "client_credentials"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post", "none"],
            code_challenge_methods_supported=["S256"],
            revocation_endpoint=f"{issuer}/revoke",
            revocation_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post", "none"],
        )

    @app.get("/authorize")
    def authorize():
        # The consent step, approved at once unless the URL says otherwise (see the *_PARAM names).
        if request.args.get(DECISION_PARAM) == "deny":
            return server.create_authorization_response(grant_user=None)
        return server.create_authorization_response(grant_user=request.args.get(USER_PARAM, DEFAULT_USER))

    @app.post("/token")
    def issue_token():
        store.count(request.form.get("grant_type", ""))
        return server.create_token_response()

    @app.post("/revoke")
    def revoke():
        return server.create_endpoint_response(Revocation.ENDPOINT_NAME)

    @app.get("/callback")
    def callback():
        return jsonify(dict(request.args))

    @app.get("/resource")
    def resource():
        header = request.headers.get("Authorization", "")
        token = None
        if header.lower().startswith("bearer "):
            with store.lock:
                token = store.by_access.get(header[7:])
        if token is None or token.is_expired() or token.is_revoked():
            return jsonify(error="invalid_token"), 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return jsonify(client_id=token.client_id, sub=token.user, scope=token.scope)

    @app.get("/_harness/stats")
    def stats():
        with store.lock:
            return jsonify(token_requests=dict(store.token_requests), revocations=store.revocations)

    return app, store


def exit_when_stdin_closes():
    # The launcher keeps our stdin open; EOF means it is gone, so we go too (no orphan servers).
    while sys.stdin.buffer.read(65536):
        pass
    os._exit(0)


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # Plain http is fine on loopback (RFC 8252 §8.3); Authlib refuses it unless told so.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    config = json.loads(sys.stdin.buffer.readline())
    app, store = create_app(config)
    host = config.get("host", "127.0.0.1")
    http = make_server(host, config.get("port", 0), app, threaded=True)
    # The server's own /callback (known once the port is) is every code client's first redirect URI.
    own_callback = f"http://{host}:{http.server_port}/callback"
    for client in store.clients.values():
        if "authorization_code" in client.grant_types:
            client.redirect_uris.insert(0, own_callback)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(json.dumps({"port": http.server_port}), flush=True)
    http.serve_forever()


if __name__ == "__main__":
    main()
