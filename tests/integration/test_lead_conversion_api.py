"""Converting a lead: account + contact + opportunity + the lead, all or nothing, audited, once."""

import pytest

from tests.integration.test_audit_trail import pipeline, run_events_function  # noqa: F401 - pytest fixture

OPPORTUNITY = {
    "name": "年度審計",
    "amount": {"amount": "120000", "currency": "HKD"},
    "expected_close_date": "2027-03-31",
}


def create_lead(api, **fields) -> dict:
    status, _, lead = api.call("POST", "/v1/leads", {"company_name": "九龍貿易有限公司", **fields})
    assert status == 201, lead
    return lead


def convert(api, lead_id: str, body: dict, **kwargs):
    return api.call("POST", f"/v1/leads/{lead_id}/convert", body, **kwargs)


def count(api, collection: str) -> int:
    return len(api.call("GET", collection, query={"limit": "200"})[2]["items"])


def test_conversion_makes_account_contact_opportunity_and_links_the_lead_in_one_audited_write(api, pipeline):  # noqa: F811
    stream, bus = pipeline
    lead = create_lead(api, phone="+852 2345 6789", region="Hong Kong", business_line="audit")
    stream.new_records()  # the lead's own creation
    # When it is converted with a new account, a contact and an opportunity
    status, headers, result = convert(
        api,
        lead["id"],
        {
            "account": {"name": "九龍貿易有限公司", "industry": "trading"},
            "contact": {"name_zh": "陳大文", "title": "財務總監"},
            "opportunity": OPPORTUNITY,
        },
    )
    # Then all four exist and point at each other
    assert status == 201, result
    account, contact, opportunity, converted = (result[k] for k in ("account", "contact", "opportunity", "lead"))
    assert headers["Location"] == f"/v1/opportunities/{opportunity['id']}"
    assert (converted["status"], converted["version"]) == ("converted", 2)
    assert (converted["account_id"], converted["contact_id"], converted["opportunity_id"]) == (
        account["id"],
        contact["id"],
        opportunity["id"],
    )
    assert contact["account_id"] == account["id"] and opportunity["account_id"] == account["id"]
    assert (opportunity["lead_id"], opportunity["lead_created_at"]) == (lead["id"], lead["created_at"])
    assert opportunity["stage"] == "qualification" or opportunity["stage_history"][0]["stage"] == opportunity["stage"]
    assert api.call("GET", f"/v1/leads/{lead['id']}")[2]["status"] == "converted"
    # And the stream carries every item, so each is audited and published
    records = stream.new_records()
    assert run_events_function(records) == {"batchItemFailures": []}
    names = sorted(event["detail-type"] for event in bus.receive(count=4))
    assert names == ["account.created", "contact.created", "lead.updated", "opportunity.created"]
    status, _, trail = api.call("GET", "/v1/audit", query={"entity": f"leads/{lead['id']}"})
    assert status == 200 and trail["items"][0]["changes"]["status"] == {"before": "new", "after": "converted"}


def test_a_converted_lead_answers_409_naming_its_links_and_a_keyed_retry_replays(api):
    lead = create_lead(api)
    key = {"Idempotency-Key": "convert-once"}
    status, _, first = convert(api, lead["id"], {"opportunity": OPPORTUNITY}, headers=key)
    assert status == 201, first
    # When the same request is retried with its key / Then the first answer is replayed
    status, _, replay = convert(api, lead["id"], {"opportunity": OPPORTUNITY}, headers=key)
    assert status == 201 and replay == first
    # When it is converted again without the key / Then 409 names what it became, and nothing more is made
    status, _, problem = convert(api, lead["id"], {"opportunity": OPPORTUNITY})
    assert status == 409
    assert {error["field"]: error["message"] for error in problem["errors"]} == {
        "account_id": first["account"]["id"],
        "opportunity_id": first["opportunity"]["id"],
    }
    assert count(api, "/v1/accounts") == 1 and count(api, "/v1/opportunities") == 1


def test_without_an_account_one_is_made_from_the_lead_owned_by_its_owner(api):
    lead = create_lead(api, email="info@kowloon.example", region="Hong Kong", branch="Kowloon")
    status, _, result = convert(api, lead["id"], {"opportunity": OPPORTUNITY})
    assert status == 201, result
    account = result["account"]
    assert (account["name"], account["email"], account["region"], account["branch"]) == (
        "九龍貿易有限公司",
        "info@kowloon.example",
        "Hong Kong",
        "Kowloon",  # the lead's branch serves the new client
    )
    assert result["contact"] is None and "contact_id" not in {k for k, v in result["lead"].items() if v}


def test_an_existing_account_gets_the_opportunity_and_a_missing_one_changes_nothing(api):
    _, _, account = api.call("POST", "/v1/accounts", {"name": "甲公司"})
    lead = create_lead(api)
    # When the account does not exist / Then 422 names it and the lead is untouched
    missing = "01" + "A" * 24
    status, _, problem = convert(api, lead["id"], {"account": {"account_id": missing}, "opportunity": OPPORTUNITY})
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["account.account_id"]
    assert api.call("GET", f"/v1/leads/{lead['id']}")[2]["version"] == 1
    # When it is an existing account / Then the opportunity is on it and no account is made
    status, _, result = convert(api, lead["id"], {"account": {"account_id": account["id"]}, "opportunity": OPPORTUNITY})
    assert status == 201 and result["opportunity"]["account_id"] == account["id"]
    assert result["account"]["id"] == account["id"] and count(api, "/v1/accounts") == 1


def test_a_stale_if_match_or_a_bad_stage_writes_nothing(api):
    lead = create_lead(api)
    # When the lead changed since the client read it
    status, _, _ = convert(api, lead["id"], {"opportunity": OPPORTUNITY}, headers={"If-Match": '"7"'})
    assert status == 412
    # When the opportunity names a stage that does not exist / Then 422 names the nested field
    status, _, problem = convert(api, lead["id"], {"opportunity": {**OPPORTUNITY, "stage": "nowhere"}})
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["opportunity.stage"]
    # Then no account or opportunity was left behind, and the lead is as it was
    assert count(api, "/v1/accounts") == 0 and count(api, "/v1/opportunities") == 0
    assert api.call("GET", f"/v1/leads/{lead['id']}")[2]["status"] == "new"


@pytest.mark.parametrize("role", ["staff", "finance"])
def test_roles_that_cannot_sell_cannot_convert(api, role):
    lead = create_lead(api)
    assert convert(api, lead["id"], {"opportunity": OPPORTUNITY}, role=role)[0] == 403
    assert count(api, "/v1/opportunities") == 0


def test_the_account_a_conversion_creates_is_found_as_a_likely_duplicate(api):
    # Given a lead converted into a new account
    lead = create_lead(api, phone="+852 2345 6789")
    body = {"account": {"name": "九龍貿易有限公司", "phone": "+852 2345 6789"}, "opportunity": OPPORTUNITY}
    status, _, result = convert(api, lead["id"], body)
    assert status == 201, result
    # When the same company is created again, in simplified characters
    status, _, again = api.call("POST", "/v1/accounts", {"name": "九龙贸易有限公司"})
    # Then the converted account is named as its likely duplicate (its match keys were written with it)
    assert status == 201, again
    assert [(match["entity_id"], match["matched_on"]) for match in again["possible_duplicates"]] == [
        (result["account"]["id"], ["name"])
    ]
    status, _, found = api.call("GET", f"/v1/accounts/{result['account']['id']}/duplicates")
    assert [match["entity_id"] for match in found["items"]] == [again["id"]]
