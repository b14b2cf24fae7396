"""Leads and their assignment rules over the whole API function, on in-process moto."""

import email
import email.policy
import email.utils

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from ulid import ULID

from servicejob.config import get_settings
from servicejob.tenancy.context import system_context

RULES = "/v1/sales-settings/assignment-rules"


def mail_region() -> str:
    return get_settings().mail_region or get_settings().region


def add_user(api, status: str = "active", locale: str = "en") -> dict:
    """A user of the api's tenant, written through the users repository as onboarding would."""
    from functions.api.wiring import dependencies

    user_id = str(ULID())
    user = dependencies().users.add(
        system_context(api.tenant_id, "test"),
        user_id,
        {
            "email": f"sales-{user_id}@example.com".lower(),
            "name": "陳大文",
            "role": "sales",
            "status": status,
            "locale": locale,
        },
    )
    return user.model_dump()


def save_rules(api, body: dict, version: int = 0) -> dict:
    status, headers, saved = api.call("PUT", RULES, body, headers={"If-Match": f'"{version}"'})
    assert status == 200, saved
    assert headers["ETag"] == f'"{version + 1}"'
    return saved


def create_lead(api, **fields) -> dict:
    status, _, lead = api.call("POST", "/v1/leads", {"company_name": "九龍貿易有限公司", **fields})
    assert status == 201, lead
    return lead


def mail_to(address: str) -> list[email.message.Message]:
    backend = ses_backends[DEFAULT_ACCOUNT_ID][mail_region()]
    messages = [
        email.message_from_string(message.raw_data, policy=email.policy.default) for message in backend.sent_messages
    ]
    return [message for message in messages if message["To"] == address]


def test_rules_assign_on_create_first_match_then_fallback(api):
    # Given rules: audit in Hong Kong → alice, anything in Shenzhen → bob, else carol
    alice, bob, carol = add_user(api), add_user(api, status="invited"), add_user(api)
    saved = save_rules(
        api,
        {
            "rules": [
                {
                    "name": "hk audit",
                    "business_line": "audit",
                    "region": "Hong Kong",
                    "assign": {"user_id": alice["id"]},
                },
                {"name": "shenzhen", "region": "Shenzhen", "assign": {"user_id": bob["id"]}},
            ],
            "fallback_user_id": carol["id"],
        },
    )
    assert saved["version"] == 1 and saved["updated_by"] == f"user:{api.principal_id}"
    # When leads are created / Then the first matching rule, or the fallback, owns each
    assert create_lead(api, business_line="audit", region="Hong Kong")["owner_user_id"] == alice["id"]
    assert create_lead(api, business_line="audit", region="Shenzhen")["owner_user_id"] == bob["id"]
    fallback = create_lead(api, business_line="tax", region="Macau", source="referral")
    assert (fallback["owner_user_id"], fallback["status"], fallback["source"]) == (carol["id"], "new", "referral")
    # And the rules read back as saved, with their ETag
    status, headers, read = api.call("GET", RULES)
    assert status == 200 and headers["ETag"] == '"1"' and read["rules"] == saved["rules"]


def test_round_robin_shares_three_leads_in_order(api):
    # Given a round robin over three users for audit leads
    team = [add_user(api) for _ in range(3)]
    save_rules(
        api,
        {
            "rules": [
                {"name": "audit team", "business_line": "audit", "assign": {"round_robin": [u["id"] for u in team]}}
            ],
            "fallback_user_id": team[0]["id"],
        },
    )
    # When three audit leads come in / Then each team member gets one, in order
    owners = [create_lead(api, business_line="audit")["owner_user_id"] for _ in range(3)]
    assert owners == [u["id"] for u in team]


def test_a_lead_without_rules_is_unassigned_and_listed_and_searched(api):
    # Given a tenant that never saved rules / When two leads are created
    first = create_lead(api, company_name="Acme Trading")
    second = create_lead(api, company_name="九龍貿易")
    # Then they have no owner, the list is newest first, and q searches company names
    assert "owner_user_id" not in first or first["owner_user_id"] is None
    status, _, page = api.call("GET", "/v1/leads")
    assert status == 200 and [lead["id"] for lead in page["items"]] == [second["id"], first["id"]]
    status, _, found = api.call("GET", "/v1/leads", query={"q": "acme"})
    assert [lead["id"] for lead in found["items"]] == [first["id"]]
    # And GET on the tenant's rules answers an empty set at version 0
    assert api.call("GET", RULES)[2] == {
        "rules": [],
        "fallback_user_id": None,
        "version": 0,
        "updated_at": None,
        "updated_by": None,
    }


def test_rules_naming_unknown_or_disabled_users_are_refused_with_field_paths(api):
    # Given an active and a disabled user
    active, disabled = add_user(api), add_user(api, status="disabled")
    # When rules name the disabled user and someone of no tenant
    status, _, problem = api.call(
        "PUT",
        RULES,
        {
            "rules": [{"name": "team", "assign": {"round_robin": [active["id"], disabled["id"]]}}],
            "fallback_user_id": str(ULID()),
        },
        headers={"If-Match": '"0"'},
    )
    # Then 422 names both fields, and nothing is saved
    assert status == 422, problem
    assert {error["field"] for error in problem["errors"]} == {"rules[0].assign.round_robin[1]", "fallback_user_id"}
    assert api.call("GET", RULES)[2]["version"] == 0


def test_rules_need_if_match_and_the_current_version_and_the_manage_permission(api):
    user = add_user(api)
    body = {"rules": [], "fallback_user_id": user["id"]}
    # When saved without If-Match / Then 428
    assert api.call("PUT", RULES, body)[0] == 428
    save_rules(api, body)
    # When saved again against version 0 / Then 412 (stale ETag)
    assert api.call("PUT", RULES, body, headers={"If-Match": '"0"'})[0] == 412
    # When a sales user reads or writes them / Then 403
    assert api.call("GET", RULES, role="sales")[0] == 403
    assert api.call("PUT", RULES, body, headers={"If-Match": '"1"'}, role="sales")[0] == 403


def test_reassignment_emails_the_new_owner_in_their_language(api, monkeypatch):
    # Given a lead owned by the fallback user, and SES able to send
    monkeypatch.setenv("MOTO_ALLOW_NONEXISTENT_REGION", "true")  # moto lists no SES in ap-east-1
    ses = boto3.client("ses", region_name=mail_region())
    ses.verify_email_identity(EmailAddress=email.utils.parseaddr(get_settings().mail_from)[1])
    first, second = add_user(api), add_user(api, locale="zh-Hant")
    save_rules(api, {"rules": [], "fallback_user_id": first["id"]})
    lead = create_lead(api, company_name="九龍貿易有限公司")
    assert lead["owner_user_id"] == first["id"]
    # When it is reassigned to the second user
    status, headers, moved = api.call(
        "PATCH",
        f"/v1/leads/{lead['id']}",
        {"owner_user_id": second["id"], "status": "contacted"},
        headers={"If-Match": '"1"'},
    )
    # Then the lead changes, and the new owner gets one Traditional Chinese notice naming the company
    assert status == 200, moved
    assert (moved["owner_user_id"], moved["status"], headers["ETag"]) == (second["id"], "contacted", '"2"')
    [notice] = mail_to(second["email"])
    assert "九龍貿易有限公司" in notice["Subject"] and "線索" in notice["Subject"]
    assert mail_to(first["email"]) == []
    # When the same owner is sent again / Then no second notice goes out
    assert (
        api.call("PATCH", f"/v1/leads/{lead['id']}", {"owner_user_id": second["id"]}, headers={"If-Match": '"2"'})[0]
        == 200
    )
    assert len(mail_to(second["email"])) == 1


def test_reassigning_to_a_disabled_user_is_refused(api):
    disabled = add_user(api, status="disabled")
    lead = create_lead(api)
    status, _, problem = api.call(
        "PATCH", f"/v1/leads/{lead['id']}", {"owner_user_id": disabled["id"]}, headers={"If-Match": '"1"'}
    )
    assert status == 422 and [error["field"] for error in problem["errors"]] == ["owner_user_id"]
    assert api.call("GET", f"/v1/leads/{lead['id']}")[2]["version"] == 1


@pytest.mark.parametrize("role, can_write", [("staff", False), ("finance", False), ("sales", True)])
def test_staff_and_finance_read_leads_sales_write_them(api, role, can_write):
    lead = create_lead(api)
    assert api.call("GET", f"/v1/leads/{lead['id']}", role=role)[0] == 200
    status, _, _ = api.call("POST", "/v1/leads", {"company_name": "Beta"}, role=role)
    assert status == (201 if can_write else 403)


def test_delete_needs_if_match_and_hides_the_lead(api):
    lead = create_lead(api)
    path = f"/v1/leads/{lead['id']}"
    assert api.call("DELETE", path)[0] == 428
    assert api.call("DELETE", path, headers={"If-Match": '"1"'})[0] == 204
    assert api.call("GET", path)[0] == 404


def test_a_new_lead_names_the_accounts_and_leads_it_likely_duplicates_and_its_keys_follow_it(api):
    status, _, account = api.call("POST", "/v1/accounts", {"name": "九龍貿易有限公司"})
    assert status == 201, account
    first = create_lead(api, company_name="Harbour Audit Ltd", email="mary@harbour.example")

    # A lead for a company on record, in simplified characters: the account is named
    kowloon = create_lead(api, company_name="九龙贸易")
    assert [(m["entity_type"], m["entity_id"], m["matched_on"]) for m in kowloon["possible_duplicates"]] == [
        ("account", account["id"], ["name"])
    ]
    # A lead sharing another lead's e-mail domain: that lead is named; a free-mail address names nobody
    harbour = create_lead(api, company_name="HA Partners", email="peter@harbour.example")
    assert [(m["entity_type"], m["entity_id"], m["matched_on"]) for m in harbour["possible_duplicates"]] == [
        ("lead", first["id"], ["domain"])
    ]
    assert create_lead(api, company_name="Other", email="someone@gmail.com")["possible_duplicates"] == []

    # When the first lead's company changes, and the second lead is deleted, their keys follow
    status, _, renamed = api.call(
        "PATCH", f"/v1/leads/{first['id']}", {"email": "mary@elsewhere.example"}, headers={"If-Match": '"1"'}
    )
    assert status == 200, renamed
    status, _, _ = api.call("DELETE", f"/v1/leads/{kowloon['id']}", headers={"If-Match": '"1"'})
    assert status == 204
    assert create_lead(api, company_name="HB Partners", email="x@harbour.example")["possible_duplicates"] == [
        {"entity_type": "lead", "entity_id": harbour["id"], "name": "HA Partners", "matched_on": ["domain"]}
    ]
    assert [m["entity_type"] for m in create_lead(api, company_name="九龍貿易")["possible_duplicates"]] == ["account"]
