"""Contacts and the extended account fields over the whole API function, on in-process moto."""

from ulid import ULID

from servicejob.tenancy.context import PrincipalKind, TenantContext

# Constructed with the GB 32100-2015 check character (see tests/unit/test_registration_numbers.py).
VALID_USCC = "91350100M000100Y43"


def create_account(api, body=None, **kwargs):
    status, _, account = api.call("POST", "/v1/accounts", body or {"name": "香港會計師事務所有限公司"}, **kwargs)
    assert status == 201, account
    return account


def create_contact(api, account_id, **fields):
    body = {"account_id": account_id, "name_zh": "陳大文"} | fields
    status, headers, contact = api.call("POST", "/v1/contacts", body)
    assert status == 201, contact
    return contact, headers


def add_user(api, tenant_id):
    """A user of the tenant, stored the way an accepted invitation stores it."""
    from functions.api.wiring import dependencies

    ctx = TenantContext(tenant_id=tenant_id, principal_id=str(ULID()), kind=PrincipalKind.USER, role="owner")
    user_id = str(ULID())
    fields = {"email": f"{user_id.lower()}@firm.example", "name": "李小明", "role": "sales", "status": "active"}
    dependencies().users.add(ctx, user_id, fields | {"locale": "zh-Hant"})
    return user_id


def field_names(problem):
    return {error["field"] for error in problem["errors"]}


# ---- contacts ----------------------------------------------------------------------------------------
def test_contact_crud_round_trips_chinese_names_and_etags(api):
    # Given an account
    account = create_account(api)
    # When a contact is created with Chinese and English names, phones and roles
    contact, headers = create_contact(
        api,
        account["id"],
        name_en="Peter Chan",
        title="財務總監",
        roles=["decision_maker", "finance"],
        phones=[{"kind": "mobile", "number": "+852 9123 4567"}],
        email="peter@client.example",
        is_primary=True,
        next_call_at="2026-12-01T09:30:00+08:00",
    )
    # Then it is returned as stored, with a Location and ETag
    assert headers["Location"] == f"/v1/contacts/{contact['id']}" and headers["ETag"] == '"1"'
    status, _, fetched = api.call("GET", f"/v1/contacts/{contact['id']}")
    assert status == 200 and fetched == contact
    assert fetched["name_zh"] == "陳大文" and fetched["title"] == "財務總監" and fetched["display_name"] == "Peter Chan"
    assert fetched["phones"] == [{"kind": "mobile", "number": "+852 9123 4567"}] and fetched["is_primary"] is True
    # When it is patched with If-Match, dropping the English name
    status, headers, patched = api.call(
        "PATCH",
        f"/v1/contacts/{contact['id']}",
        {"name_en": None, "roles": ["accounts_payable"]},
        headers={"If-Match": '"1"'},
    )
    # Then the version moves on and the display name falls back to the Chinese name
    assert status == 200, patched
    assert headers["ETag"] == '"2"' and patched["display_name"] == "陳大文" and patched["roles"] == ["accounts_payable"]
    assert "name_en" not in patched or patched["name_en"] is None
    # When it is deleted with a stale ETag, then with the current one
    assert api.call("DELETE", f"/v1/contacts/{contact['id']}", headers={"If-Match": '"1"'})[0] == 412
    assert api.call("DELETE", f"/v1/contacts/{contact['id']}", headers={"If-Match": '"2"'})[0] == 204
    # Then it is gone
    assert api.call("GET", f"/v1/contacts/{contact['id']}")[0] == 404


def test_contact_needs_an_existing_account_and_a_name(api):
    # Given an account of another tenant
    foreign = create_account(api, tenant=api.new_tenant())
    # When a contact is created under it, or without any name
    status, _, problem = api.call("POST", "/v1/contacts", {"account_id": foreign["id"], "name_zh": "王"})
    no_name_status, _, no_name = api.call("POST", "/v1/contacts", {"account_id": create_account(api)["id"]})
    # Then both are refused naming what is wrong
    assert status == 422 and field_names(problem) == {"account_id"}
    assert no_name_status == 422, no_name


def test_contact_roles_phones_and_responsible_user_are_validated(api):
    account = create_account(api)
    # When a contact has an unknown role, a bad phone kind, or a responsible user not of the tenant
    bad_role = api.call("POST", "/v1/contacts", {"account_id": account["id"], "name_en": "A", "roles": ["ceo"]})
    bad_phone = api.call(
        "POST",
        "/v1/contacts",
        {"account_id": account["id"], "name_en": "A", "phones": [{"kind": "pager", "number": "1"}]},
    )
    stranger = api.call(
        "POST", "/v1/contacts", {"account_id": account["id"], "name_en": "A", "responsible_user_id": str(ULID())}
    )
    # Then each is a 422 naming the field
    assert bad_role[0] == 422 and any(name.startswith("roles") for name in field_names(bad_role[2]))
    assert bad_phone[0] == 422 and any(name.startswith("phones") for name in field_names(bad_phone[2]))
    assert stranger[0] == 422 and field_names(stranger[2]) == {"responsible_user_id"}
    # And a user of the tenant is accepted
    user_id = add_user(api, api.tenant_id)
    contact, _ = create_contact(api, account["id"], responsible_user_id=user_id)
    assert contact["responsible_user_id"] == user_id


def test_account_contacts_are_listed_in_pages_and_another_tenants_account_is_404(api):
    # Given two accounts, the first with five contacts
    account, other = create_account(api), create_account(api)
    created = [create_contact(api, account["id"], name_en=f"Person {n}")[0]["id"] for n in range(5)]
    create_contact(api, other["id"])
    # When the first account's contacts are read two at a time
    seen, cursor = [], None
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        status, _, page = api.call("GET", f"/v1/accounts/{account['id']}/contacts", query=query)
        assert status == 200, page
        seen += [contact["id"] for contact in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    # Then exactly its contacts come back, oldest first
    assert seen == created
    # And another tenant asking for the account is told it does not exist
    status, _, _ = api.call("GET", f"/v1/accounts/{account['id']}/contacts", tenant=api.new_tenant())
    assert status == 404


def test_contacts_are_searched_by_english_else_chinese_name(api):
    # Given contacts with an English name, and one with only a Chinese name
    account = create_account(api)
    create_contact(api, account["id"], name_en="Mary Wong", name_zh="黃美玲")
    create_contact(api, account["id"], name_zh="黃志強")
    create_contact(api, account["id"], name_en="Marcus Lee")
    # When searching by prefix
    by_en = api.call("GET", "/v1/contacts", query={"q": "MAR"})[2]
    by_zh = api.call("GET", "/v1/contacts", query={"q": "黃"})[2]
    # Then the English name is searched where there is one, else the Chinese name
    assert sorted(contact["display_name"] for contact in by_en["items"]) == ["Marcus Lee", "Mary Wong"]
    assert [contact["display_name"] for contact in by_zh["items"]] == ["黃志強"]


# ---- accounts: the extension fields ------------------------------------------------------------------
def test_only_a_name_still_makes_a_prospect(api):
    # When a client sends only the name, as before
    account = create_account(api, {"name": "Old Client Ltd"})
    # Then the new fields take their defaults
    assert account["status"] == "prospect" and account["business_lines"] == [] and account["ap_contact_id"] is None


def test_account_extension_fields_round_trip(api):
    # Given a user of the tenant
    user_id = add_user(api, api.tenant_id)
    body = {
        "name": "深圳科技有限公司",
        "industry": "Manufacturing",
        "region": "Greater Bay Area",
        "branch": "Hong Kong Office",
        "business_lines": ["audit", "tax"],
        "responsible_user_id": user_id,
        "billing_address": {"lines": ["香港中環皇后大道中 1 號", "10 樓"], "city": "Hong Kong", "country": "hk"},
        "hk_br_number": "12345678-000",
        "prc_uscc": VALID_USCC.lower(),
        "status": "active",
    }
    # When the account is created and read back
    account = create_account(api, body)
    fetched = api.call("GET", f"/v1/accounts/{account['id']}")[2]
    # Then every field is kept, codes normalized to upper case
    assert fetched["billing_address"]["country"] == "HK" and fetched["billing_address"]["lines"][1] == "10 樓"
    assert fetched["prc_uscc"] == VALID_USCC and fetched["hk_br_number"] == "12345678-000"
    assert fetched["business_lines"] == ["audit", "tax"] and fetched["status"] == "active"
    assert fetched["responsible_user_id"] == user_id and fetched["last_contact_at"] is None


def test_account_extension_fields_are_validated_naming_the_field(api):
    cases = {
        "hk_br_number": {"hk_br_number": "1234567"},
        "prc_uscc": {"prc_uscc": VALID_USCC[:-1] + "4"},
        "billing_address.country": {"billing_address": {"lines": ["1 Road"], "country": "XX"}},
        "billing_address.lines": {"billing_address": {"lines": [], "country": "HK"}},
        "status": {"status": "closed"},
        "responsible_user_id": {"responsible_user_id": str(ULID())},
        "last_contact_at": {"last_contact_at": "2026-01-01T00:00:00Z"},
    }
    for field, fields in cases.items():
        status, _, problem = api.call("POST", "/v1/accounts", {"name": "Bad"} | fields)
        assert status == 422, (field, problem)
        assert any(name.startswith(field) for name in field_names(problem)), (field, problem)


def test_ap_contact_must_be_a_contact_of_this_account(api):
    # Given two accounts, each with a contact
    account, other = create_account(api), create_account(api)
    own, _ = create_contact(api, account["id"], roles=["accounts_payable"])
    foreign, _ = create_contact(api, other["id"])
    path = f"/v1/accounts/{account['id']}"
    # When the other account's contact, or an unknown id, is set as the AP contact
    for contact_id in (foreign["id"], str(ULID())):
        status, _, problem = api.call("PATCH", path, {"ap_contact_id": contact_id}, headers={"If-Match": '"1"'})
        # Then it is refused naming ap_contact_id, and nothing changes
        assert status == 422 and field_names(problem) == {"ap_contact_id"}
    # When the account's own contact is set
    status, _, patched = api.call("PATCH", path, {"ap_contact_id": own["id"]}, headers={"If-Match": '"1"'})
    # Then it is kept
    assert status == 200 and patched["ap_contact_id"] == own["id"] and patched["version"] == 2
    # And the AP contact cannot be given at creation, when no contact of the account can exist yet
    status, _, problem = api.call("POST", "/v1/accounts", {"name": "x", "ap_contact_id": own["id"]})
    assert status == 422 and field_names(problem) == {"ap_contact_id"}
