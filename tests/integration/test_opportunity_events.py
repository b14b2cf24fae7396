"""Closing an opportunity as won publishes `opportunity.won` besides `opportunity.updated`, once."""

import json

import jsonschema

from servicejob.events.models import event_schema_path
from tests.integration.test_audit_trail import pipeline, run_events_function  # noqa: F401 - pytest fixture


def test_closing_as_won_publishes_opportunity_won_matching_its_schema(api, pipeline):  # noqa: F811
    # Given an opportunity moved to proposal, then closed as won
    stream, bus = pipeline
    _, _, account = api.call("POST", "/v1/accounts", {"name": "甲公司"})
    body = {
        "name": "稅務顧問",
        "account_id": account["id"],
        "amount": {"amount": "88000", "currency": "HKD"},
        "expected_close_date": "2027-06-30",
    }
    _, _, opportunity = api.call("POST", "/v1/opportunities", body)
    path = f"/v1/opportunities/{opportunity['id']}/stage"
    assert api.call("POST", path, {"stage": "proposal"}, headers={"If-Match": '"1"'})[0] == 200
    status, _, won = api.call("POST", path, {"stage": "won"}, headers={"If-Match": '"2"'})
    assert status == 200, won
    # When the events function processes the stream, twice (a redelivered batch)
    records = stream.new_records()
    assert run_events_function(records) == {"batchItemFailures": []}
    assert run_events_function(records) == {"batchItemFailures": []}
    # Then the bus carries created, two updates and one opportunity.won per delivery, with stable event ids
    events = [event for event in bus.receive(count=10) if event["detail-type"].startswith("opportunity.")]
    names = sorted(event["detail-type"] for event in events)
    assert names == sorted(["opportunity.created", "opportunity.updated", "opportunity.updated", "opportunity.won"] * 2)
    won_events = [event["detail"] for event in events if event["detail-type"] == "opportunity.won"]
    assert len({event["event_id"] for event in won_events}) == 1
    detail = won_events[0]
    assert detail["entity_id"] == opportunity["id"] and detail["data"]["status"] == "won"
    assert detail["data"]["amount"] == {"amount": "88000.00", "currency": "HKD"}
    # And the detail matches the committed JSON Schema
    schema = json.loads(event_schema_path("opportunity.won").read_text(encoding="utf-8"))
    jsonschema.validate(detail, schema)
