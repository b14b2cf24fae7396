"""Idempotent commands (the `Idempotency-Key` header) on Powertools idempotency, scoped by tenant.

Records live in the tenant's own partition `{t}#idempotency` (sort key: hash of operation + key), are
written with the tenant's credentials, and expire after 24 hours. The same key with a different body is
refused; a replay returns the first response.
"""

import threading
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from servicejob.dal import keys, table_spec
from servicejob.dal.tenant_access import TenantClients
from servicejob.errors import Conflict, FieldError, ValidationFailed
from servicejob.tenancy.context import TenantContext


class IdempotentCommands:
    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name
        self._stores: dict[str, tuple[object, DynamoDBPersistenceLayer]] = {}
        self._lock = threading.Lock()
        self._config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="body",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=24 * 3600,
        )

    def register_lambda_context(self, context: Any) -> None:
        """An in-progress record then expires with the invocation, so a crashed request can be retried."""
        self._config.register_lambda_context(context)

    def run(
        self,
        ctx: TenantContext,
        operation: str,
        key: str,
        body: dict[str, Any],
        command: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """Run `command` once per (tenant, operation, key); its JSON-able result is replayed afterwards."""

        def execute(request: dict[str, Any]) -> dict[str, Any]:
            return command()

        wrapped = idempotent_function(
            data_keyword_argument="request",
            persistence_store=self._store(ctx.tenant_id),
            config=self._config,
            key_prefix=operation,
        )(execute)
        try:
            return wrapped(request={"key": key, "body": body})
        except IdempotencyValidationError as error:
            raise ValidationFailed(
                "This Idempotency-Key was already used with a different request body.",
                [FieldError("Idempotency-Key", "Use a new key for a different request.", "idempotency_key_reused")],
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise Conflict("A request with this Idempotency-Key is still in progress; retry shortly.") from error

    def _store(self, tenant_id: str) -> DynamoDBPersistenceLayer:
        # Rebuilt when the tenant's credentials were refreshed (TenantClients hands out a new session).
        session = self._clients.session(tenant_id)
        with self._lock:
            cached = self._stores.get(tenant_id)
            if cached is None or cached[0] is not session:
                store = DynamoDBPersistenceLayer(
                    table_name=self._table,
                    key_attr=table_spec.PK,
                    sort_key_attr=table_spec.SK,
                    static_pk_value=keys.idempotency_pk(tenant_id),
                    expiry_attr=table_spec.TTL_ATTRIBUTE,
                    boto3_session=session,
                )
                cached = (session, store)
                self._stores[tenant_id] = cached
            return cached[1]
