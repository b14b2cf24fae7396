"""Tenants: signup (public, rate-limited per source address) and the tenant's lifecycle status.

Signup writes the tenant record at once (status provisioning, so the status URL answers immediately) and
starts the TenantOnboarding workflow, which completes the tenant, invites the owner and marks it active
or failed. The response never depends on whether the owner's e-mail is already known.
"""

from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal, Protocol
from zoneinfo import available_timezones

import iso4217
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator
from ulid import ULID

from servicejob.errors import RateLimited

Locale = Literal["en", "zh-Hant", "zh-Hans"]
FirmName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

SIGNUP_RATE_SCOPE = "signup"


class TenantStatus(StrEnum):
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    FAILED = "failed"


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: FirmName = Field(description="The firm's name, e.g. 香港會計師事務所有限公司")
    owner_email: EmailStr = Field(max_length=254, description="The owner's e-mail; also their sign-in name")
    owner_name: PersonName
    time_zone: str = Field(max_length=64, description="IANA time zone, e.g. Asia/Hong_Kong")
    base_currency: str = Field(max_length=3, description="ISO 4217 code, e.g. HKD")
    locale: Locale = "en"

    @field_validator("owner_email")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        if value not in _time_zones():
            raise ValueError("not an IANA time zone (e.g. Asia/Hong_Kong)")
        return value

    @field_validator("base_currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        code = value.upper()
        try:
            iso4217.Currency(code)
        except ValueError:
            raise ValueError("not an ISO 4217 currency code (e.g. HKD)") from None
        return code


class SignupAccepted(BaseModel):
    tenant_id: str
    status: TenantStatus
    status_url: str


class TenantStatusView(BaseModel):
    tenant_id: str
    status: TenantStatus


class Tenant(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    status: TenantStatus
    tier: str
    owner_email: str
    owner_name: str
    time_zone: str
    base_currency: str
    locale: Locale
    failure_reason: str | None = None
    usage_key_id: str | None = None  # the key's value stays in the repository (TenantRepository.usage_key_value)


class TenantRepository(Protocol):
    def save_provisioning(self, tenant_id: str, signup: SignupRequest, actor: str) -> Tenant:
        """Writes the tenant with status provisioning unless it exists already (safe to repeat)."""
        ...

    def get(self, tenant_id: str) -> Tenant: ...
    def set_status(self, tenant_id: str, status: TenantStatus, actor: str, reason: str | None = None) -> Tenant:
        """Moves a provisioning tenant to `status`; repeating the same move is harmless."""
        ...

    def set_usage_key(self, tenant_id: str, key_id: str, key_value: str, actor: str) -> None:
        """Records the tenant's API Gateway usage key; repeating it with the same key is harmless."""
        ...

    def usage_key_value(self, tenant_id: str) -> str | None:
        """The usage key's value, None for a tenant onboarded without one."""
        ...


class RateLimiter(Protocol):
    def hit(self, scope: str, subject: str, limit: int) -> int | None:
        """Counts one attempt; returns seconds until the window resets when the limit is exceeded."""
        ...


class OnboardingWorkflow(Protocol):
    def start(self, tenant_id: str, signup: SignupRequest, correlation_id: str) -> None:
        """Starts TenantOnboarding named after the tenant, so starting it twice is harmless."""
        ...


def sign_up(
    signup: SignupRequest,
    source_address: str,
    tenants: TenantRepository,
    limiter: RateLimiter,
    workflow: OnboardingWorkflow,
    limit_per_hour: int,
    correlation_id: str = "",
) -> SignupAccepted:
    retry_after = limiter.hit(SIGNUP_RATE_SCOPE, source_address or "unknown", limit_per_hour)
    if retry_after is not None:
        raise RateLimited(
            f"Too many signups from your address; try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
    tenant_id = str(ULID())
    tenants.save_provisioning(tenant_id, signup, actor="system:signup")
    workflow.start(tenant_id, signup, correlation_id)
    return SignupAccepted(
        tenant_id=tenant_id, status=TenantStatus.PROVISIONING, status_url=f"/v1/tenants/{tenant_id}/status"
    )


def tenant_status(tenants: TenantRepository, tenant_id: str) -> TenantStatusView:
    tenant = tenants.get(tenant_id)
    return TenantStatusView(tenant_id=tenant.id, status=tenant.status)
