"""Likely duplicates over the whole API function, on in-process moto."""


def create_account(api, body, **kwargs):
    status, _, account = api.call("POST", "/v1/accounts", body, **kwargs)
    assert status == 201, account
    return account


def test_create_names_likely_duplicates_and_the_duplicates_route_lists_them(api):
    # Given an account in traditional Chinese with a phone and a BR number
    first = create_account(
        api, {"name": "環球貿易有限公司", "phone": "+852 2345 6789", "hk_br_number": "12345678", "email": "a@gmail.com"}
    )
    assert first["possible_duplicates"] == []
    # When the same firm is entered in simplified Chinese without legal form, with a local phone number
    second = create_account(api, {"name": "环球贸易", "phone": "2345-6789", "email": "b@gmail.com"})
    # Then the create succeeds and names the first account, on name and phone (free mail is no match)
    assert second["possible_duplicates"] == [
        {
            "entity_type": "account",
            "entity_id": first["id"],
            "name": "環球貿易有限公司",
            "matched_on": ["name", "phone"],
        }
    ]
    # And each lists the other as a likely duplicate
    status, _, listed = api.call("GET", f"/v1/accounts/{first['id']}/duplicates")
    assert status == 200 and [match["entity_id"] for match in listed["items"]] == [second["id"]]
    # And an unrelated account matches nothing
    assert create_account(api, {"name": "Other Firm Ltd"})["possible_duplicates"] == []


def test_changes_and_deletes_keep_the_match_keys_true(api):
    first = create_account(api, {"name": "ABC Trading Limited", "website": "https://www.abc-trading.hk"})
    second = create_account(api, {"name": "ABC Trading (HK) Ltd", "email": "info@abc-trading.hk"})
    assert [m["matched_on"] for m in second["possible_duplicates"]] == [["name", "domain"]]
    # When the first is renamed, its old name no longer matches but the domain still does, under the new name
    status, _, renamed = api.call(
        "PATCH", f"/v1/accounts/{first['id']}", {"name": "XYZ Holdings Limited"}, headers={"If-Match": '"1"'}
    )
    assert status == 200 and renamed["version"] == 2
    status, _, listed = api.call("GET", f"/v1/accounts/{second['id']}/duplicates")
    assert listed["items"] == [
        {"entity_type": "account", "entity_id": first["id"], "name": "XYZ Holdings Limited", "matched_on": ["domain"]}
    ]
    # When the website is cleared, nothing matches
    api.call("PATCH", f"/v1/accounts/{first['id']}", {"website": None}, headers={"If-Match": '"2"'})
    assert api.call("GET", f"/v1/accounts/{second['id']}/duplicates")[2]["items"] == []
    # And a deleted account is never offered as a duplicate
    third = create_account(api, {"name": "ABC Trading Co."})
    assert [m["entity_id"] for m in third["possible_duplicates"]] == [second["id"]]
    assert api.call("DELETE", f"/v1/accounts/{second['id']}", headers={"If-Match": '"1"'})[0] == 204
    assert api.call("GET", f"/v1/accounts/{third['id']}/duplicates")[2]["items"] == []


def test_a_stale_if_match_changes_neither_the_account_nor_its_keys(api):
    first = create_account(api, {"name": "Stale Co Ltd"})
    status, _, problem = api.call(
        "PATCH", f"/v1/accounts/{first['id']}", {"name": "Fresh Limited"}, headers={"If-Match": '"9"'}
    )
    assert status == 412 and problem["current_version"] == 1
    assert [m["entity_id"] for m in create_account(api, {"name": "Stale Company"})["possible_duplicates"]] == [
        first["id"]
    ]


def test_other_tenants_accounts_are_never_duplicates(api):
    create_account(api, {"name": "Shared Name Limited"}, tenant=api.new_tenant())
    assert create_account(api, {"name": "Shared Name Limited"})["possible_duplicates"] == []
    foreign = create_account(api, {"name": "Foreign Ltd"}, tenant=api.new_tenant())
    assert api.call("GET", f"/v1/accounts/{foreign['id']}/duplicates")[0] == 404
