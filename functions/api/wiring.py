"""What the API's routes depend on, built once per container (cold start) and replaceable in tests."""

from dataclasses import dataclass
from functools import lru_cache

from servicejob.config import Settings, get_settings
from servicejob.dal.accounts import ACCOUNT_KIND, DynamoAccountRepository
from servicejob.dal.api_keys import API_KEY_KIND, DynamoApiKeyRepository
from servicejob.dal.audit import DynamoAuditRepository
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.idempotency import IdempotentCommands
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.accounts import AccountRepository
from servicejob.domain.api_keys import ApiKeyRepository
from servicejob.domain.audit import AuditRepository


@dataclass
class Dependencies:
    settings: Settings
    accounts: AccountRepository
    api_keys: ApiKeyRepository
    idempotency: IdempotentCommands
    audit: AuditRepository


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    settings = get_settings()
    clients = TenantClients(settings)
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    return Dependencies(
        settings=settings,
        accounts=DynamoAccountRepository(EntityStore(clients, ACCOUNT_KIND, settings.table_name, cursors)),
        api_keys=DynamoApiKeyRepository(
            EntityStore(clients, API_KEY_KIND, settings.table_name, cursors), clients, settings.table_name
        ),
        idempotency=IdempotentCommands(clients, settings.table_name),
        audit=DynamoAuditRepository(clients, settings.table_name, cursors),
    )
