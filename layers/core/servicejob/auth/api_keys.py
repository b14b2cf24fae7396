"""API key format and hashing: `sjk_{tenant_id}_{key_id}_{secret}`.

Tenant and key ids are ULIDs (Crockford base32, no `_`), the secret is 32 random bytes in lowercase hex,
so the three parts split unambiguously. Only the SHA-256 of the whole key is stored: the secret has 256
bits of entropy, so a fast hash is enough (no guessing attack to slow down), and hashing the whole key
binds the hash to its tenant and key id. The tenant named in a key is trusted only after the hash matches
the record stored under that tenant's own partition.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from ulid import ULID

PREFIX = "sjk_"
_SECRET_BYTES = 32
_ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
_KEY_PATTERN = re.compile(
    rf"sjk_(?P<tenant_id>{_ULID})_(?P<key_id>{_ULID})_(?P<secret>[0-9a-f]{{{_SECRET_BYTES * 2}}})"
)


@dataclass(frozen=True)
class IssuedApiKey:
    key_id: str
    plaintext: str  # shown to the creator once, never stored nor logged
    secret_hash: str


@dataclass(frozen=True)
class PresentedApiKey:
    """A well-formed key as a caller presented it; nothing in it is trusted yet."""

    tenant_id: str
    key_id: str
    secret_hash: str

    def matches(self, stored_hash: str) -> bool:
        return hmac.compare_digest(self.secret_hash, stored_hash)


def looks_like_api_key(credential: str) -> bool:
    return credential.startswith(PREFIX)


def issue_api_key(tenant_id: str) -> IssuedApiKey:
    key_id = str(ULID())
    plaintext = f"{PREFIX}{tenant_id}_{key_id}_{secrets.token_hex(_SECRET_BYTES)}"
    if not _KEY_PATTERN.fullmatch(plaintext):
        raise ValueError("Tenant ids must be ULIDs to be carried in an API key.")
    return IssuedApiKey(key_id=key_id, plaintext=plaintext, secret_hash=hash_api_key(plaintext))


def parse_api_key(credential: str) -> PresentedApiKey | None:
    """The key's parts, or None when it is not exactly a key this system issues."""
    match = _KEY_PATTERN.fullmatch(credential)
    if match is None:
        return None
    return PresentedApiKey(match["tenant_id"], match["key_id"], hash_api_key(credential))


def hash_api_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()
