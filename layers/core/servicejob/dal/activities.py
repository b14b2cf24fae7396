"""Activities in DynamoDB: `{t}#activity#{id}` / META, listed on GSI1, under their account on GSI3, and
while planned on GSI2 by due date (`{t}#activity#planned#by-due`, `{due_at}#{id}`).

Also the contact dates the activities keep on accounts and contacts (`ContactDatesOnRecords`).
"""

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import DueIndex, EntityKind, EntityStore
from servicejob.dal.models import ActivityItem
from servicejob.dal.pagination import Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.activities import Activity, ActivityStatus, ContactDates
from servicejob.tenancy.context import TenantContext

ACTIVITY_KIND = EntityKind(
    "activity",
    ActivityItem,
    parent=("account", "account_id"),
    due_index=DueIndex(due_field="due_at", status_field="status", status=ActivityStatus.PLANNED.value),
    owner_field="owner_id",
)


def _to_activity(item: ActivityItem) -> Activity:
    return Activity.model_validate({name: value for name, value in item.attribute_values.items() if value is not None})


class DynamoActivityRepository:
    def __init__(self, store: EntityStore[ActivityItem]):
        self._store = store

    def get(self, ctx: TenantContext, activity_id: str) -> Activity:
        return _to_activity(self._store.get(ctx, activity_id))

    def add(self, ctx: TenantContext, activity_id: str, fields: Mapping[str, Any]) -> Activity:
        return _to_activity(self._store.create(ctx, activity_id, fields))

    def update(
        self, ctx: TenantContext, activity_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Activity:
        return _to_activity(self._store.update(ctx, activity_id, changes, expected_version))

    def delete(self, ctx: TenantContext, activity_id: str, expected_version: int) -> Activity:
        return _to_activity(self._store.soft_delete(ctx, activity_id, expected_version))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, account_id: str | None) -> Page[Activity]:
        page = self._store.list(ctx, limit, cursor, parent_id=account_id)
        return Page([_to_activity(item) for item in page.items], page.next_cursor)

    def list_planned(
        self, ctx: TenantContext, limit: int, cursor: str | None, due_from: str, due_before: str
    ) -> Page[Activity]:
        page = self._store.list_due(ctx, limit, cursor, due_from, due_before)
        return Page([_to_activity(item) for item in page.items], page.next_cursor)


_TIMELINE_FIELDS = ("id", "kind", "status", "due_at", "done_at", "contact_id")
_DATE_FIELDS = {"account": ("last_contact_at", "next_contact_at"), "contact": ("last_call_at", "next_call_at")}


class ContactDatesOnRecords:
    """Reads an account's activities and writes the dates they give onto the account and its contacts.

    Used by the events function, off the request path. The dates are derived data, so they are written
    without bumping `version`: an edit form opened on the account is not answered 412 because a call was
    logged, and the audit trail (which skips writes that keep the version) records the activity instead.
    """

    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name

    def of_account(self, ctx: TenantContext, account_id: str) -> list[dict[str, Any]]:
        client = self._clients.dynamodb(ctx.tenant_id)
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": table_spec.GSI3.name,
            "KeyConditionExpression": "GSI3PK = :pk",
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.children_pk(ctx.tenant_id, "account", account_id, ACTIVITY_KIND.name)}
            },
            "ProjectionExpression": ", ".join(f"#{name}" for name in _TIMELINE_FIELDS),
            "ExpressionAttributeNames": {f"#{name}": name for name in _TIMELINE_FIELDS},
        }
        found: list[dict[str, Any]] = []
        while True:
            response = client.query(**request)
            found.extend({name: value["S"] for name, value in raw.items() if "S" in value} for raw in response["Items"])
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def set_account_dates(self, ctx: TenantContext, account_id: str, dates: ContactDates) -> None:
        self._set_dates(ctx, "account", account_id, dates)

    def set_contact_dates(self, ctx: TenantContext, contact_id: str, dates: ContactDates) -> None:
        self._set_dates(ctx, "contact", contact_id, dates)

    def _set_dates(self, ctx: TenantContext, entity_type: str, entity_id: str, dates: ContactDates) -> None:
        """Write the two dates if either differs from what is stored; a deleted or missing record is left alone."""
        names = {"#deleted_at": "deleted_at"}
        values: dict[str, Any] = {}
        sets, removes, differs = [], [], []
        for position, (field, value) in enumerate(
            zip(_DATE_FIELDS[entity_type], (dates.last, dates.next), strict=True)
        ):
            names[f"#d{position}"] = field
            if value is None:
                removes.append(f"#d{position}")
                differs.append(f"attribute_exists(#d{position})")
            else:
                values[f":d{position}"] = {"S": value}
                sets.append(f"#d{position} = :d{position}")
                differs.append(f"(attribute_not_exists(#d{position}) OR #d{position} <> :d{position})")
        clauses = [f"SET {', '.join(sets)}" if sets else "", f"REMOVE {', '.join(removes)}" if removes else ""]
        live = "attribute_exists(PK) AND attribute_not_exists(#deleted_at)"
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": {
                table_spec.PK: {"S": keys.entity_pk(ctx.tenant_id, entity_type, entity_id)},
                table_spec.SK: {"S": keys.META},
            },
            "UpdateExpression": " ".join(clause for clause in clauses if clause),
            "ConditionExpression": f"{live} AND ({' OR '.join(differs)})",
            "ExpressionAttributeNames": names,
        }
        if values:
            request["ExpressionAttributeValues"] = values
        try:
            self._clients.dynamodb(ctx.tenant_id).update_item(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
