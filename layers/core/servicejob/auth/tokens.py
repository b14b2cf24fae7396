"""Cognito ID token verification: RS256 signature against the user pool's JWKS, expiry, audience, issuer,
`token_use` = id, and the claims the platform relies on (`sub`, immutable `custom:tenant_id`).

The key source is injectable: in AWS and locally it is a cached `jwt.PyJWKClient` on the pool's JWKS URL
(moto serves the same path in server mode); tests pass a source built from a JWKS they control.
"""

import re
from dataclasses import dataclass
from typing import Protocol

import jwt

from servicejob.config import Settings
from servicejob.errors import Unauthenticated
from servicejob.observability import logger

ALGORITHM = "RS256"
TENANT_CLAIM = "custom:tenant_id"
_MAX_TOKEN_LENGTH = 8192
_CLOCK_SKEW_SECONDS = 5
_JWKS_TIMEOUT_SECONDS = 5
_JWKS_CACHE_SECONDS = 3600
_TENANT_ID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
_SUBJECT = re.compile(r"[0-9A-Za-z-]{1,128}")


class SigningKeySource(Protocol):
    """What `jwt.PyJWKClient` offers: the public key named by the token's `kid`."""

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK: ...


@dataclass(frozen=True)
class IdTokenIdentity:
    subject: str  # Cognito `sub`, the user id
    tenant_id: str


def cognito_issuer(settings: Settings) -> str:
    # Cognito (and moto) always issue with the AWS hostname, whatever endpoint served the token.
    return f"https://cognito-idp.{settings.region}.amazonaws.com/{settings.user_pool_id}"


def jwks_url(settings: Settings) -> str:
    endpoint = settings.cognito_endpoint or f"https://cognito-idp.{settings.region}.amazonaws.com"
    return f"{endpoint.rstrip('/')}/{settings.user_pool_id}/.well-known/jwks.json"


class IdTokenVerifier:
    def __init__(self, keys: SigningKeySource, issuer: str, audience: str):
        self._keys = keys
        self._issuer = issuer
        self._audience = audience

    @classmethod
    def for_user_pool(cls, settings: Settings, keys: SigningKeySource | None = None) -> "IdTokenVerifier":
        keys = keys or jwt.PyJWKClient(
            jwks_url(settings), cache_keys=True, lifespan=_JWKS_CACHE_SECONDS, timeout=_JWKS_TIMEOUT_SECONDS
        )
        return cls(keys, cognito_issuer(settings), settings.user_pool_client_id)

    def verify(self, token: str) -> IdTokenIdentity:
        """The verified identity, or Unauthenticated; the reason is logged, the token never is."""
        if len(token) > _MAX_TOKEN_LENGTH:
            raise _refused("token too long")
        try:
            # Checked before any key lookup so that garbage never triggers a JWKS fetch.
            if jwt.get_unverified_header(token).get("alg") != ALGORITHM:
                raise _refused("algorithm not allowed")
            signing_key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
            )
        except jwt.PyJWKClientConnectionError as error:
            logger.error("JWKS unreachable; refusing ID tokens until it answers", extra={"error": str(error)})
            raise Unauthenticated("Sign in again.") from error
        except jwt.PyJWTError as error:
            raise _refused(type(error).__name__) from error
        if claims["token_use"] != "id":  # noqa: S105 - a claim value, not a password
            raise _refused("not an ID token")
        subject, tenant_id = claims["sub"], claims.get(TENANT_CLAIM)
        if not isinstance(subject, str) or not _SUBJECT.fullmatch(subject):
            raise _refused("malformed sub")
        if not isinstance(tenant_id, str) or not _TENANT_ID.fullmatch(tenant_id):
            raise _refused("missing or malformed tenant claim")
        return IdTokenIdentity(subject=subject, tenant_id=tenant_id)


def _refused(reason: str) -> Unauthenticated:
    logger.info("ID token refused", extra={"reason": reason})
    return Unauthenticated("Sign in again.")
