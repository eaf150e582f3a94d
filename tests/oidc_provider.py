"""A real OpenID Connect provider for the tests, on a loopback port: discovery, JWKS, authorisation (approved at once
for the identity a test chose), token (code flow with PKCE, client secret checked) and user information endpoints,
over real HTTP, signing RS256 ID tokens with a key made when the suite starts (none is kept in the repository).

    def test_it(client, sso_on):
        sso_on.identity = sso_on.person(email="member@example.org")
        sso_on.tamper = {"aud": "another-application"}  # what the next ID token says differently

``sso_on`` also turns single sign-on on in the settings, read from the provider's discovery document as a council's
administrator would copy them.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "cp-tracker-tests"


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.client_secret = secrets.token_urlsafe(24)
        self.codes = {}
        self.tokens = {}
        self.reset()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reset(self):
        self.identity = self.person(email="nobody@example.org")
        self.tamper = {}
        self.signing_key = None  # another key, to sign with one the JWKS does not hold
        self.authorised = []  # every authorisation request's parameters

    @staticmethod
    def person(*, email, verified=True, sub=None, given_name="Pat", family_name="Smith"):
        return {
            "sub": sub or hashlib.sha256(email.lower().encode()).hexdigest()[:24],
            "email": email,
            "email_verified": verified,
            "given_name": given_name,
            "family_name": family_name,
        }

    def discovery(self):
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def jwks(self):
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query):
        """Approve at once for the chosen identity: the redirect back to the application, with a code."""
        self.authorised.append(query)
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return 400, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        self.codes[code] = (query, dict(self.identity), dict(self.tamper), self.signing_key)
        answer = {"code": code, "state": query.get("state", "")}
        return 302, f"{query['redirect_uri']}?{urllib.parse.urlencode(answer)}"

    def token(self, form):
        entry = self.codes.pop(form.get("code", ""), None)
        if entry is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != self.client_secret:
            return 400, {"error": "invalid_grant"}
        query, identity, tamper, signing_key = entry
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if form.get("redirect_uri") != query["redirect_uri"] or challenge.rstrip(b"=").decode() != query.get(
            "code_challenge"
        ):
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri or PKCE verifier differs"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": query.get("nonce")}
        claims = {**claims, **identity, **tamper}
        id_token = jwt.encode(claims, signing_key or self.key, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = identity
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def userinfo(self, authorization):
        identity = self.tokens.get(authorization.removeprefix("Bearer "))
        return (200, identity) if identity else (401, {"error": "invalid_token"})


def _handler(provider):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/.well-known/openid-configuration":
                self._answer(200, provider.discovery())
            elif url.path == "/jwks":
                self._answer(200, provider.jwks())
            elif url.path == "/authorize":
                self._answer(*provider.authorize(query))
            elif url.path == "/userinfo":
                self._answer(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._answer(404, {"error": "not_found"})

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if urllib.parse.urlsplit(self.path).path == "/token":
                self._answer(*provider.token(dict(urllib.parse.parse_qsl(body))))
            else:
                self._answer(404, {"error": "not_found"})

        def _answer(self, status, body):
            self.send_response(status)
            if status == 302:
                self.send_header("Location", body)
                body = {}
            data = json.dumps(body).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(scope="session")
def oidc_provider():
    provider = Provider()
    provider.thread.start()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


@pytest.fixture
def sso_on(oidc_provider, settings):
    """Single sign-on on, configured from the provider's discovery document; the provider's test identity reset."""
    oidc_provider.reset()
    found = requests.get(f"{oidc_provider.issuer}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.OIDC_OP_ISSUER = found["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    return oidc_provider


def sign_in_through(client, provider, start="/accounts/sso/start/"):
    """The browser's round trip with the Django test client: the application sends it to the provider, which
    approves at once and sends it back with a code; the application then asks the provider over HTTP."""
    to_provider = client.get(start)
    while to_provider.status_code == 302 and to_provider["Location"].startswith("/"):  # the application's own steps
        to_provider = client.get(to_provider["Location"])
    assert to_provider.status_code == 302, to_provider
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    callback = urllib.parse.urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}", follow=True)
