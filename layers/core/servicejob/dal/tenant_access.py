"""Tenant-scoped DynamoDB and S3 clients.

Every request-path call goes through a client built from STS credentials for the tenant's role,
assumed with the session tag TenantId; IAM then allows only keys that start with that tenant's id
(`dynamodb:LeadingKeys`). Credentials are cached per tenant until five minutes before they expire.
Locally moto does not enforce the policy, but the code takes the same path.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import boto3
from botocore.client import BaseClient
from botocore.config import Config

from servicejob.config import Settings

_REFRESH_MARGIN_SECONDS = 300
_MAX_CACHED_TENANTS = 512
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


# SigV4 (the only signature ap-east-1 accepts) for presigned URLs too.
_S3_CONFIG = _CLIENT_CONFIG.merge(Config(signature_version="s3v4"))


@dataclass
class _Entry:
    session: boto3.session.Session
    client: BaseClient
    refresh_at: float

    @cached_property
    def s3(self) -> BaseClient:  # made on first use: most requests never touch S3
        return self.session.client("s3", config=_S3_CONFIG)


class TenantClients:
    """A bounded, thread-safe cache of per-tenant DynamoDB clients."""

    def __init__(self, settings: Settings, base_session: boto3.session.Session | None = None):
        self._settings = settings
        self._session = base_session or boto3.session.Session(region_name=settings.region)
        self._sts = self._session.client("sts", config=_CLIENT_CONFIG)
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def dynamodb(self, tenant_id: str) -> BaseClient:
        return self._entry(tenant_id).client

    def s3(self, tenant_id: str) -> BaseClient:
        """S3 under the tenant's role: in AWS only objects under `{tenant_id}/` are allowed; presigned URLs
        it makes carry the tenant's credentials, so they too reach nothing else."""
        return self._entry(tenant_id).s3

    def session(self, tenant_id: str) -> boto3.session.Session:
        """The tenant's session, for libraries that take one (Powertools idempotency)."""
        return self._entry(tenant_id).session

    def _entry(self, tenant_id: str) -> _Entry:
        now = time.time()
        with self._lock:
            entry = self._entries.get(tenant_id)
            if entry and entry.refresh_at > now:
                self._entries.move_to_end(tenant_id)
                return entry
        entry = self._assume(tenant_id)
        with self._lock:
            self._entries[tenant_id] = entry
            self._entries.move_to_end(tenant_id)
            while len(self._entries) > _MAX_CACHED_TENANTS:
                self._entries.popitem(last=False)
        return entry

    def _assume(self, tenant_id: str) -> _Entry:
        response = self._sts.assume_role(
            RoleArn=self._settings.tenant_role_arn,
            RoleSessionName=f"tenant-{tenant_id}"[:64],
            Tags=[{"Key": "TenantId", "Value": tenant_id}],
            DurationSeconds=3600,
        )
        credentials = response["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=self._settings.region,
        )
        expires = credentials["Expiration"].timestamp()
        return _Entry(session, session.client("dynamodb", config=_CLIENT_CONFIG), expires - _REFRESH_MARGIN_SECONDS)
