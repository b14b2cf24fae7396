"""Opaque list cursors: the last evaluated key, signed with HMAC and bound to the tenant and the query.

A cursor replayed by another tenant, for another query, or altered in any byte is refused.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from servicejob.errors import FieldError, ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


class CursorCodec:
    def __init__(self, secret: bytes):
        self._secret = secret

    def encode(self, tenant_id: str, query: str, last_key: dict | None) -> str | None:
        if not last_key:
            return None
        payload = json.dumps({"k": last_key}, separators=(",", ":"), sort_keys=True).encode()
        body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        return f"{body}.{self._sign(tenant_id, query, body)}"

    def decode(self, tenant_id: str, query: str, cursor: str | None) -> dict | None:
        if not cursor:
            return None
        body, _, signature = cursor.partition(".")
        # Compared as bytes: compare_digest raises TypeError on non-ASCII str, and cursors come from clients.
        if not signature or not hmac.compare_digest(signature.encode(), self._sign(tenant_id, query, body).encode()):
            raise _invalid_cursor()
        try:
            padded = body + "=" * (-len(body) % 4)
            return json.loads(base64.urlsafe_b64decode(padded))["k"]
        except (ValueError, KeyError) as error:
            raise _invalid_cursor() from error

    def _sign(self, tenant_id: str, query: str, body: str) -> str:
        message = f"{tenant_id}\n{query}\n{body}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        "The cursor is not valid for this list.",
        [FieldError("cursor", "Not a cursor this list issued; start again without it.", "invalid_cursor")],
    )
