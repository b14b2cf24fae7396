"""What the API's routes depend on, built once per container (cold start) and replaceable in tests."""

from dataclasses import dataclass
from functools import lru_cache

from servicejob.config import Settings, get_settings
from servicejob.dal.accounts import ACCOUNT_KIND, DynamoAccountRepository
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.idempotency import IdempotentCommands
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.accounts import AccountRepository


@dataclass
class Dependencies:
    settings: Settings
    accounts: AccountRepository
    idempotency: IdempotentCommands


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    settings = get_settings()
    clients = TenantClients(settings)
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    return Dependencies(
        settings=settings,
        accounts=DynamoAccountRepository(EntityStore(clients, ACCOUNT_KIND, settings.table_name, cursors)),
        idempotency=IdempotentCommands(clients, settings.table_name),
    )
