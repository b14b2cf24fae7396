"""Cognito ID token verification with locally generated RSA keys and a JWKS the test controls."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from ulid import ULID

from servicejob.auth.tokens import IdTokenVerifier, cognito_issuer, jwks_url
from servicejob.config import Settings
from servicejob.errors import Unauthenticated

REGION = "ap-east-1"
POOL_ID = f"{REGION}_TestPool1"
CLIENT_ID = "test-client-id"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
KID = "test-key-1"


class StaticJwks:
    """A key source over a fixed JWKS, offering what `jwt.PyJWKClient` offers; counts lookups."""

    def __init__(self, *private_keys_by_kid: tuple[str, rsa.RSAPrivateKey]):
        keys = []
        for kid, private_key in private_keys_by_kid:
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
            keys.append({**public, "kid": kid, "alg": "RS256", "use": "sig"})
        self._set = jwt.PyJWKSet.from_dict({"keys": keys})
        self.lookups = 0

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        self.lookups += 1
        kid = jwt.get_unverified_header(token).get("kid")
        try:
            return self._set[kid]
        except KeyError as error:
            raise jwt.PyJWKClientError(f"no key {kid}") from error


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def keys(signing_key) -> StaticJwks:
    return StaticJwks((KID, signing_key))


@pytest.fixture
def verifier(keys) -> IdTokenVerifier:
    return IdTokenVerifier(keys, issuer=ISSUER, audience=CLIENT_ID)


def claims(**overrides) -> dict:
    now = int(time.time())
    values = {
        "sub": "5f0c8a2e-8f7a-4c55-9c55-1b0f0b7f2a10",
        "aud": CLIENT_ID,
        "iss": ISSUER,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "custom:tenant_id": str(ULID()),
        "email": "owner@example.com",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def sign(private_key, payload: dict, kid: str = KID, algorithm: str = "RS256") -> str:
    return jwt.encode(payload, private_key, algorithm=algorithm, headers={"kid": kid})


def test_a_valid_id_token_yields_subject_and_tenant(verifier, signing_key):
    # Given an ID token signed by the pool's key for this client
    payload = claims()
    token = sign(signing_key, payload)
    # When it is verified
    identity = verifier.verify(token)
    # Then the identity is the token's sub and tenant claim
    assert identity.subject == payload["sub"]
    assert identity.tenant_id == payload["custom:tenant_id"]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"exp": int(time.time()) - 120}, id="expired"),
        pytest.param({"aud": "another-client"}, id="wrong-audience"),
        pytest.param({"iss": f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_OtherPool"}, id="wrong-issuer"),
        pytest.param({"iss": "https://evil.example.com/" + POOL_ID}, id="foreign-issuer"),
        pytest.param({"token_use": "access"}, id="access-token"),
        pytest.param({"custom:tenant_id": None}, id="no-tenant"),
        pytest.param({"custom:tenant_id": "tenant#1"}, id="malformed-tenant"),
        pytest.param({"sub": None}, id="no-sub"),
        pytest.param({"sub": "a#b"}, id="malformed-sub"),
        pytest.param({"exp": None}, id="no-expiry"),
        pytest.param({"iat": int(time.time()) + 600}, id="issued-in-the-future"),
    ],
)
def test_tokens_with_wrong_claims_are_refused(verifier, signing_key, overrides):
    # Given a correctly signed token whose claims are wrong in one way
    token = sign(signing_key, claims(**overrides))
    # When it is verified, Then it is refused
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


def test_a_token_signed_by_another_key_under_the_pools_kid_is_refused(verifier, other_key):
    # Given a token signed with a key the pool does not hold, claiming the pool's key id
    token = sign(other_key, claims())
    # When it is verified, Then the signature check refuses it
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


def test_a_token_with_an_unknown_kid_is_refused(verifier, signing_key):
    # Given a token naming a key id the JWKS does not have
    token = sign(signing_key, claims(), kid="unknown")
    # When it is verified, Then it is refused
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


def test_a_tampered_payload_is_refused(verifier, signing_key):
    # Given a valid token whose payload was changed to another tenant after signing
    header, payload, signature = sign(signing_key, claims()).split(".")
    changed = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    changed["custom:tenant_id"] = str(ULID())
    forged_payload = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    # When it is verified, Then the signature no longer matches
    with pytest.raises(Unauthenticated):
        verifier.verify(f"{header}.{forged_payload}.{signature}")


def test_alg_none_is_refused_without_a_key_lookup(verifier, keys):
    # Given an unsigned token (alg none) with otherwise valid claims
    token = jwt.encode(claims(), None, algorithm="none", headers={"kid": KID})
    # When it is verified
    with pytest.raises(Unauthenticated):
        verifier.verify(token)
    # Then it was refused before the JWKS was consulted
    assert keys.lookups == 0


def test_hs256_signed_with_the_public_key_is_refused(verifier, signing_key, keys):
    # Given the classic confusion attack: HS256 with the pool's public key (PEM) as the HMAC secret
    public_pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": KID, "typ": "JWT"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    mac = hmac.new(public_pem, header + b"." + body, hashlib.sha256).digest()
    token = (header + b"." + body + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
    # When it is verified, Then it is refused and no key was looked up
    with pytest.raises(Unauthenticated):
        verifier.verify(token)
    assert keys.lookups == 0


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "x" * 9000])
def test_garbage_is_refused(verifier, garbage):
    # Given something that is not a JWT, When verified, Then it is refused
    with pytest.raises(Unauthenticated):
        verifier.verify(garbage)


def test_a_rotated_pool_key_is_accepted_by_kid(signing_key, other_key):
    # Given a JWKS holding the old and the new key (Cognito rotation)
    verifier = IdTokenVerifier(StaticJwks((KID, signing_key), ("new", other_key)), issuer=ISSUER, audience=CLIENT_ID)
    # When a token signed by the new key is verified, Then it is accepted
    assert verifier.verify(sign(other_key, claims(), kid="new")).subject


def test_issuer_and_jwks_url_follow_the_settings():
    # Given local settings with moto's endpoint, and AWS settings without one
    local = Settings(SJ_REGION=REGION, user_pool_id=POOL_ID, cognito_endpoint="http://127.0.0.1:5000/")
    deployed = Settings(SJ_REGION=REGION, user_pool_id=POOL_ID)
    # Then the JWKS comes from the endpoint, while the issuer is always the AWS hostname
    assert jwks_url(local) == f"http://127.0.0.1:5000/{POOL_ID}/.well-known/jwks.json"
    assert jwks_url(deployed) == f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}/.well-known/jwks.json"
    assert cognito_issuer(local) == cognito_issuer(deployed) == ISSUER
