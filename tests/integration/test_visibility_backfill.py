"""The visibility backfill: records written before record visibility existed get their owner's audience,
page by page, resumably, without a Scan and without bumping their version."""

import boto3
import pytest

from servicejob.config import get_settings
from servicejob.dal import keys, table_spec
from servicejob.domain import visibility_backfill
from tests.integration.test_record_visibility import TYPES, firm  # noqa: F401 - pytest fixture

SINGULAR = {"accounts": "account", "contacts": "contact", "leads": "lead", "opportunities": "opportunity"}


@pytest.fixture
def workflows():
    from functions.workflows import handler, wiring

    wiring.dependencies.cache_clear()
    yield handler
    wiring.dependencies.cache_clear()


def strip_audience(tenant_id: str, record_type: str, record_id: str) -> None:
    """The record as it was stored before visibility existed: no audience tag."""
    settings = get_settings()
    boto3.client("dynamodb", region_name=settings.region).update_item(
        TableName=settings.table_name,
        Key={
            table_spec.PK: {"S": keys.entity_pk(tenant_id, SINGULAR[record_type], record_id)},
            table_spec.SK: {"S": keys.META},
        },
        UpdateExpression="REMOVE GSI4PK, GSI4SK, visibility_owner",
    )


def test_the_backfill_tags_old_records_resumably_so_teams_see_them_again(
    firm,  # noqa: F811
    workflows,
    dynamodb_calls,
    monkeypatch,
):
    tenant = firm.api.tenant_id
    # Given amy's (Audit HK) and tom's (Tax) records written before visibility, and an integration's account
    records = {"amy": firm.create_records("amy"), "tom": firm.create_records("tom")}
    status, _, ownerless = firm.api.call(
        "POST",
        "/v1/accounts",
        {"name": "From the integration"},
        authorizer={"tenant_id": tenant, "principal_id": "key-1", "kind": "apikey", "scopes": "accounts:write"},
    )
    assert status == 201, ownerless
    for made in records.values():
        for record_type, record in made.items():
            strip_audience(tenant, record_type, record["id"])
    # So the teams no longer see them; only the roles that see all do
    assert firm.call("ann", "GET", f"/v1/accounts/{records['amy']['accounts']['id']}")[0] == 404
    assert firm.call("ada", "GET", f"/v1/accounts/{records['amy']['accounts']['id']}")[0] == 200

    # When the operator runs the backfill one page (of two records) per call until it is done
    monkeypatch.setattr(visibility_backfill, "PAGE_SIZE", 2)
    answers = []
    while not answers or answers[-1]["status"] != "done":
        answers.append(workflows.backfill_visibility({"tenant_id": tenant, "max_pages": 1}))
        assert len(answers) < 20, answers

    # Then it went type by type over several calls, showing its progress, without a Scan
    assert len(answers) > len(TYPES)
    assert answers[0]["status"] == "running" and answers[0]["entity_type"] == "account"
    assert answers[-1] == answers[-1] | {"status": "done", "entity_type": None, "tagged": 8}
    assert dynamodb_calls.calls["Scan"] == 0
    # And each team sees its own records again, unchanged (same version, same ETag)
    for maker, reader, outsider in (("amy", "ann", "tom"), ("tom", "sam", "amy")):
        for record_type, record in records[maker].items():
            path = f"/v1/{record_type}/{record['id']}"
            status, headers, seen = firm.call(reader, "GET", path)
            assert status == 200 and seen["version"] == record["version"], (reader, path, seen)
            assert record["id"] in firm.listed_ids(reader, f"/v1/{record_type}")
            assert firm.call(outsider, "GET", path)[0] == 404
    # And the integration's account, which has no owner, is still seen by the roles that see all only
    assert firm.call("ada", "GET", f"/v1/accounts/{ownerless['id']}")[0] == 200
    assert firm.call("amy", "GET", f"/v1/accounts/{ownerless['id']}")[0] == 404

    # When it is called again: nothing more to do. Restarted: it examines everything and tags nothing
    assert workflows.backfill_visibility({"tenant_id": tenant})["tagged"] == 8
    again = workflows.backfill_visibility({"tenant_id": tenant, "restart": True})
    assert again["status"] == "done" and again["tagged"] == 0
