"""Sales stages and opportunities over the whole API function on in-process moto."""

import copy

from ulid import ULID


def create_account(api, **kwargs):
    status, _, account = api.call("POST", "/v1/accounts", {"name": "香港會計師事務所有限公司"}, **kwargs)
    assert status == 201, account
    return account


def create_opportunity(api, account_id, **fields):
    body = {
        "name": "2027 年度審計",
        "account_id": account_id,
        "amount": {"amount": "120000.5", "currency": "HKD"},
        "expected_close_date": "2027-03-31",
        "business_line": "audit",
        **fields,
    }
    status, headers, opportunity = api.call("POST", "/v1/opportunities", body)
    assert status == 201, opportunity
    return opportunity, headers


def move(api, opportunity, body, version=None):
    return api.call(
        "POST",
        f"/v1/opportunities/{opportunity['id']}/stage",
        body,
        headers={"If-Match": f'"{version or opportunity["version"]}"'},
    )


def test_default_stages_are_stored_on_first_read_and_replaced_with_if_match(api):
    # Given a tenant that never configured its stages
    # When it reads them
    status, headers, stages = api.call("GET", "/v1/sales-settings/stages")
    # Then it gets the default funnel in three languages, at version 1
    assert status == 200, stages
    assert [stage["key"] for stage in stages["stages"]] == [
        "lead-in",
        "qualified",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    assert stages["stages"][0]["names"] == {"en": "Lead in", "zh-Hant": "潛在商機", "zh-Hans": "潜在商机"}
    assert headers["ETag"] == '"1"'
    # When a manager replaces them with If-Match
    new = copy.deepcopy(stages["stages"])
    new[0]["probability"] = 5
    status, headers, replaced = api.call(
        "PUT", "/v1/sales-settings/stages", {"stages": new}, headers={"If-Match": '"1"'}
    )
    # Then the new stages are stored at version 2
    assert status == 200, replaced
    assert replaced["stages"][0]["probability"] == 5
    assert api.call("GET", "/v1/sales-settings/stages")[2]["version"] == 2
    # And a stale If-Match is refused
    assert api.call("PUT", "/v1/sales-settings/stages", {"stages": new}, headers={"If-Match": '"1"'})[0] == 412


def test_invalid_stages_are_refused_and_staff_cannot_replace_them(api):
    # Given the default stages
    stages = api.call("GET", "/v1/sales-settings/stages")[2]["stages"]
    # When a second won stage and a duplicate key are sent
    broken = [*stages, {**stages[4], "key": "won-again"}, {**stages[0]}]
    status, _, problem = api.call("PUT", "/v1/sales-settings/stages", {"stages": broken}, headers={"If-Match": '"1"'})
    # Then both problems are named
    assert status == 422, problem
    assert {error["field"] for error in problem["errors"]} == {"stages", "stages[7].key"}
    # And a sales user may not replace the stages at all
    status, _, _ = api.call(
        "PUT", "/v1/sales-settings/stages", {"stages": stages}, headers={"If-Match": '"1"'}, role="sales"
    )
    assert status == 403


def test_opportunity_crud_and_listing_under_its_account(api):
    # Given an account
    account = create_account(api)
    # When an opportunity is created without a stage
    opportunity, headers = create_opportunity(api, account["id"])
    # Then it starts in the first open stage, with its probability, history, the caller as owner and a padded amount
    assert opportunity["stage"] == "lead-in" and opportunity["probability"] == 10
    assert opportunity["status"] == "open"
    assert opportunity["amount"] == {"amount": "120000.50", "currency": "HKD"}
    assert opportunity["owner_user_id"] == api.principal_id
    assert [entry["stage"] for entry in opportunity["stage_history"]] == ["lead-in"]
    assert headers["Location"] == f"/v1/opportunities/{opportunity['id']}"
    # When it is patched
    status, _, patched = api.call(
        "PATCH",
        f"/v1/opportunities/{opportunity['id']}",
        {"amount": {"amount": "99000", "currency": "HKD"}},
        headers={"If-Match": '"1"'},
    )
    assert status == 200, patched
    assert patched["amount"]["amount"] == "99000.00" and patched["version"] == 2
    # Then the stage cannot be patched
    status, _, _ = api.call(
        "PATCH", f"/v1/opportunities/{opportunity['id']}", {"stage": "won"}, headers={"If-Match": '"2"'}
    )
    assert status == 422
    # And it is listed, and listed under its account (and not under another)
    other_account = create_account(api)
    listed = api.call("GET", "/v1/opportunities")[2]["items"]
    assert [item["id"] for item in listed] == [opportunity["id"]]
    under = api.call("GET", f"/v1/accounts/{account['id']}/opportunities")[2]["items"]
    assert [item["id"] for item in under] == [opportunity["id"]]
    assert api.call("GET", f"/v1/accounts/{other_account['id']}/opportunities")[2]["items"] == []
    # When deleted / Then it is gone
    assert api.call("DELETE", f"/v1/opportunities/{opportunity['id']}", headers={"If-Match": '"2"'})[0] == 204
    assert api.call("GET", f"/v1/opportunities/{opportunity['id']}")[0] == 404


def test_create_names_a_missing_account_float_amounts_and_closed_stages(api):
    # Given no such account / When an opportunity names it / Then 422 names account_id
    status, _, problem = api.call(
        "POST",
        "/v1/opportunities",
        {
            "name": "x",
            "account_id": str(ULID()),
            "amount": {"amount": "1", "currency": "HKD"},
            "expected_close_date": "2027-01-01",
        },
    )
    assert status == 422 and problem["errors"][0]["field"] == "account_id"
    account = create_account(api)
    # When the amount is a float / Then it is refused, naming the amount
    status, _, problem = api.call(
        "POST",
        "/v1/opportunities",
        {
            "name": "x",
            "account_id": account["id"],
            "amount": {"amount": 1.5, "currency": "HKD"},
            "expected_close_date": "2027-01-01",
        },
    )
    assert status == 422 and "amount" in problem["errors"][0]["field"]
    # When it starts in a closed stage / Then 422 names the stage
    status, _, problem = api.call(
        "POST",
        "/v1/opportunities",
        {
            "name": "x",
            "account_id": account["id"],
            "amount": {"amount": "1", "currency": "JPY"},
            "expected_close_date": "2027-01-01",
            "stage": "won",
        },
    )
    assert status == 422 and problem["errors"][0]["field"] == "stage"


def test_stage_moves_keep_history_require_a_lost_reason_and_closed_needs_reopen(api):
    # Given an opportunity in lead-in
    opportunity, _ = create_opportunity(api, create_account(api)["id"])
    # When it moves to proposal
    status, headers, moved = move(api, opportunity, {"stage": "proposal"})
    # Then the stage, probability and history follow, and the ETag is the new version
    assert status == 200, moved
    assert (moved["stage"], moved["probability"], moved["status"]) == ("proposal", 50, "open")
    assert [entry["stage"] for entry in moved["stage_history"]] == ["lead-in", "proposal"]
    assert moved["stage_history"][-1]["by"] == f"user:{api.principal_id}"
    assert headers["ETag"] == '"2"'
    # When it is closed as lost without a reason / Then 422 names lost_reason
    status, _, problem = move(api, moved, {"stage": "lost"})
    assert status == 422 and problem["errors"][0]["field"] == "lost_reason"
    # When closed as lost with a reason
    status, _, lost = move(api, moved, {"stage": "lost", "lost_reason": "價格太高"})
    assert status == 200, lost
    assert (lost["status"], lost["probability"], lost["lost_reason"]) == ("lost", 0, "價格太高")
    assert lost["closed_at"]
    # Then it cannot move again without reopen
    status, _, problem = move(api, lost, {"stage": "negotiation"})
    assert status == 422 and problem["errors"][0]["field"] == "reopen"
    # And reopening clears the close
    status, _, reopened = move(api, lost, {"stage": "negotiation", "reopen": True})
    assert status == 200, reopened
    assert reopened["status"] == "open" and reopened.get("closed_at") is None and reopened.get("lost_reason") is None
    # And a stale If-Match is a conflict
    assert move(api, reopened, {"stage": "won"}, version=1)[0] == 412
    # And closing as won sets probability 100
    status, _, won = move(api, reopened, {"stage": "won"})
    assert (status, won["status"], won["probability"]) == (200, "won", 100)
    assert [entry["stage"] for entry in won["stage_history"]] == ["lead-in", "proposal", "lost", "negotiation", "won"]
