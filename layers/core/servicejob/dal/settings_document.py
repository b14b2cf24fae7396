"""A tenant's settings document: one versioned item `{t}#settings#{name}` / META, read whole, stored with
its defaults on first read (or on its first save) and replaced whole under If-Match. Sales stages,
reminders, the scorecard, quote defaults and lead assignment rules are each one such document."""

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from botocore.exceptions import ClientError
from pydantic import BaseModel

from servicejob.dal.entity_store import EntityStore
from servicejob.dal.models import EntityItem
from servicejob.errors import NotFound, VersionConflict
from servicejob.tenancy.context import TenantContext

I = TypeVar("I", bound=EntityItem)  # noqa: E741 - conventional type-variable name
M = TypeVar("M", bound=BaseModel)


class SettingsDocument(Generic[I, M]):
    def __init__(self, store: EntityStore[I], name: str, model: type[M]):
        self._store = store
        self._name = name
        self._model = model

    def read(self, ctx: TenantContext) -> M | None:
        try:
            return self._to_model(self._store.get(ctx, self._name))
        except NotFound:
            return None

    def get_or_create(self, ctx: TenantContext, defaults: BaseModel | Mapping[str, Any]) -> M:
        stored = self.read(ctx)
        if stored is not None:
            return stored
        try:
            return self._to_model(self._store.create(ctx, self._name, _fields(defaults)))
        except ClientError as error:
            # Two first reads at once: the other one stored the defaults.
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return self._to_model(self._store.get(ctx, self._name))

    def replace(self, ctx: TenantContext, data: BaseModel | Mapping[str, Any], expected_version: int) -> M:
        """Version 0 is a document never stored (read as its defaults): the first save creates it."""
        fields = _fields(data)
        if expected_version != 0:
            return self._to_model(self._store.update(ctx, self._name, fields, expected_version))
        try:
            return self._to_model(self._store.create(ctx, self._name, fields))
        except ClientError as error:  # saved meanwhile by someone else
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = self._store.get(ctx, self._name).version
            raise VersionConflict(
                f"The {self._name} settings are at version {current}, not 0; reload them and try again.",
                current_version=current,
            ) from error

    def item(self, ctx: TenantContext) -> I:
        return self._store.get(ctx, self._name)

    def _to_model(self, item: I) -> M:
        return self._model.model_validate(item.attribute_values)


def _fields(data: BaseModel | Mapping[str, Any]) -> Mapping[str, Any]:
    return data.model_dump(mode="json") if isinstance(data, BaseModel) else data
