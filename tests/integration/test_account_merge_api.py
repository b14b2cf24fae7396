"""Merging a duplicate account over the whole API function, on in-process moto, with the audit pipeline."""

from servicejob.dal import account_merge
from tests.integration.test_audit_trail import pipeline, run_events_function  # noqa: F401 - the fixture is used by name


def create(api, path, body):
    status, _, created = api.call("POST", path, body)
    assert status == 201, created
    return created


def opportunity_body(account_id):
    return {
        "name": "年度審計",
        "account_id": account_id,
        "amount": {"amount": "1000", "currency": "HKD"},
        "expected_close_date": "2027-01-31",
    }


def contacts_of(api, account_id):
    status, _, page = api.call("GET", f"/v1/accounts/{account_id}/contacts")
    assert status == 200
    return {contact["id"] for contact in page["items"]}


def merge(api, survivor, duplicate, **versions):
    body = {"duplicate_id": duplicate["id"], "survivor_version": 1, "duplicate_version": 1} | versions
    return api.call("POST", f"/v1/accounts/{survivor['id']}/merge", body)


def test_merge_moves_children_deletes_the_duplicate_and_both_audits_show_it(api, pipeline):  # noqa: F811
    stream, _ = pipeline
    # Given two accounts of one firm, the duplicate with two contacts and an opportunity
    survivor = create(api, "/v1/accounts", {"name": "環球貿易有限公司"})
    duplicate = create(api, "/v1/accounts", {"name": "环球贸易", "phone": "23456789"})
    kept = create(api, "/v1/contacts", {"account_id": survivor["id"], "name_zh": "陳大文"})
    moved = {create(api, "/v1/contacts", {"account_id": duplicate["id"], "name_zh": n})["id"] for n in ("李", "王")}
    opportunity = create(api, "/v1/opportunities", opportunity_body(duplicate["id"]))
    run_events_function(stream.new_records())
    # When the duplicate is merged into the survivor
    status, headers, result = merge(api, survivor, duplicate)
    # Then the children moved, the duplicate is gone and the survivor names it
    assert status == 200, result
    assert result["moved"] == {"contact": 2, "opportunity": 1}
    assert result["survivor"]["merged_accounts"] == [{"id": duplicate["id"], "name": "环球贸易"}]
    assert headers["ETag"] == '"2"'
    assert contacts_of(api, survivor["id"]) == moved | {kept["id"]}
    assert api.call("GET", f"/v1/accounts/{duplicate['id']}/contacts")[0] == 404
    assert api.call("GET", f"/v1/opportunities/{opportunity['id']}")[2]["account_id"] == survivor["id"]
    assert api.call("GET", f"/v1/accounts/{duplicate['id']}")[0] == 404
    assert api.call("GET", f"/v1/accounts/{survivor['id']}/duplicates")[2]["items"] == []
    # And the audit trail of each account, and of a moved child, records the merge
    run_events_function(stream.new_records())
    _, _, gone = api.call("GET", "/v1/audit", query={"entity": f"accounts/{duplicate['id']}"})
    assert gone["items"][0]["action"] == "deleted"
    # (a delete records the fields as they were: the duplicate was merging into the survivor)
    assert gone["items"][0]["changes"]["merging_into"] == {"before": survivor["id"], "after": None}
    assert gone["items"][1]["changes"]["merging_into"] == {"before": None, "after": survivor["id"]}
    _, _, kept_trail = api.call("GET", "/v1/audit", query={"entity": f"accounts/{survivor['id']}"})
    # (by name too: the duplicate is deleted, so its id alone would lead nowhere)
    assert kept_trail["items"][0]["changes"]["merged_accounts"] == {
        "before": None,
        "after": [{"id": duplicate["id"], "name": "环球贸易"}],
    }
    _, _, child_trail = api.call("GET", "/v1/audit", query={"entity": f"opportunities/{opportunity['id']}"})
    assert child_trail["items"][0]["changes"]["account_id"] == {"before": duplicate["id"], "after": survivor["id"]}
    # And sending the merge again answers the same survivor, moving nothing
    status, _, again = merge(api, survivor, duplicate)
    assert status == 200 and again["moved"] == {} and again["survivor"]["version"] == 2


def test_a_merge_spanning_batches_resumes_after_an_interruption(api, monkeypatch):
    # Given transactions of two items, and a duplicate with three contacts and an opportunity
    monkeypatch.setattr(account_merge, "TRANSACTION_LIMIT", 2)
    survivor = create(api, "/v1/accounts", {"name": "Survivor Ltd"})
    duplicate = create(api, "/v1/accounts", {"name": "Survivor Limited"})
    children = {create(api, "/v1/contacts", {"account_id": duplicate["id"], "name_en": n})["id"] for n in "ABC"}
    create(api, "/v1/opportunities", opportunity_body(duplicate["id"]))
    # When the merge stops after its batches, before the last step
    finish = account_merge.DynamoAccountMerges.finish

    def interrupted(self, ctx, survivor_id, duplicate_id):
        raise RuntimeError("the function timed out")

    monkeypatch.setattr(account_merge.DynamoAccountMerges, "finish", interrupted)
    assert merge(api, survivor, duplicate)[0] == 500
    # Then every child moved, and the duplicate is marked, not deleted; another merge into it is refused
    assert contacts_of(api, survivor["id"]) == children
    assert api.call("GET", f"/v1/accounts/{duplicate['id']}")[2]["merging_into"] == survivor["id"]
    other = create(api, "/v1/accounts", {"name": "Third"})
    assert merge(api, other, duplicate)[0] == 409
    # When it is sent again (the versions it read are stale by now), it finishes
    monkeypatch.setattr(account_merge.DynamoAccountMerges, "finish", finish)
    status, _, result = merge(api, survivor, duplicate)
    assert status == 200, result
    assert result["moved"] == {}
    assert result["survivor"]["merged_accounts"] == [{"id": duplicate["id"], "name": "Survivor Limited"}]
    assert api.call("GET", f"/v1/accounts/{duplicate['id']}")[0] == 404


def test_merge_refuses_stale_versions_itself_and_unknown_accounts(api):
    survivor = create(api, "/v1/accounts", {"name": "One"})
    duplicate = create(api, "/v1/accounts", {"name": "Two"})
    child = create(api, "/v1/contacts", {"account_id": duplicate["id"], "name_zh": "陳"})
    # A stale version: 412 naming the current one, nothing moved
    status, _, problem = merge(api, survivor, duplicate, duplicate_version=3)
    assert status == 412 and problem["current_version"] == 1
    assert contacts_of(api, duplicate["id"]) == {child["id"]}
    # Itself, or an unknown duplicate: 422 naming duplicate_id
    status, _, problem = merge(api, survivor, survivor)
    assert status == 422 and problem["errors"][0]["field"] == "duplicate_id"
    other_tenant = api.new_tenant()
    status, _, theirs = api.call("POST", "/v1/accounts", {"name": "Theirs"}, tenant=other_tenant)
    status, _, problem = merge(api, survivor, theirs)
    assert status == 422 and problem["errors"][0]["field"] == "duplicate_id"
    # Another tenant's survivor: 404
    assert merge(api, theirs, duplicate)[0] == 404
