"""Two tenants on one running product: nothing of one is ever visible to, or changeable by, the other."""

import base64
import gzip
import json
import time
from pathlib import Path

import jwt
import pytest
import requests
from ulid import ULID

from tests.running_product import REPO_ROOT, SignedIn, wait_for

OPENAPI = json.loads((REPO_ROOT / "schemas" / "openapi.json").read_text())

# How tenant A makes a resource for each templated path, and what each path answers another tenant.
# A new endpoint with an id in its path fails `test_every_id_path_is_covered` until it is added here.
CREATORS = {
    "/v1/leads/{lead_id}": lambda owner: owner.call("POST", "/v1/leads", json={"company_name": "甲公司"}).json()["id"],
    "/v1/accounts/{account_id}": lambda owner: owner.call("POST", "/v1/accounts", json={"name": "甲公司"}).json()["id"],
    "/v1/users/{user_id}": lambda owner: owner.call(
        "POST", "/v1/users", json={"email": f"staff-{ULID()}@e2e.example".lower(), "name": "李小明", "role": "staff"}
    ).json()["id"],
    "/v1/api-keys/{key_id}": lambda owner: owner.call(
        "POST", "/v1/api-keys", json={"name": "erp", "scopes": ["accounts:read"]}
    ).json()["id"],
}


def _opportunity(owner: SignedIn) -> str:
    account_id = CREATORS["/v1/accounts/{account_id}"](owner)
    body = {
        "name": "年度審計",
        "account_id": account_id,
        "amount": {"amount": "1000", "currency": "HKD"},
        "expected_close_date": "2027-01-31",
    }
    return owner.call("POST", "/v1/opportunities", json=body).json()["id"]


CREATORS["/v1/opportunities/{opportunity_id}"] = _opportunity
CREATORS["/v1/opportunities/{opportunity_id}/stage"] = _opportunity
CREATORS["/v1/accounts/{account_id}/opportunities"] = CREATORS["/v1/accounts/{account_id}"]


def _contact(owner: SignedIn) -> str:
    account_id = CREATORS["/v1/accounts/{account_id}"](owner)
    return owner.call("POST", "/v1/contacts", json={"account_id": account_id, "name_zh": "陳大文"}).json()["id"]


CREATORS["/v1/contacts/{contact_id}"] = _contact

QUOTE_LINES = [{"description": "審計", "kind": "hours", "quantity": "10", "unit_rate": "1500"}]


def _quote(owner: SignedIn) -> str:
    opportunity_id = _opportunity(owner)
    return owner.call("POST", f"/v1/opportunities/{opportunity_id}/quotes", json={"lines": QUOTE_LINES}).json()["id"]


CREATORS["/v1/quotes/{quote_id}"] = _quote
CREATORS["/v1/quotes/{quote_id}/pdf"] = _quote
CREATORS["/v1/opportunities/{opportunity_id}/quotes"] = _opportunity
CREATORS["/v1/accounts/{account_id}/contacts"] = CREATORS["/v1/accounts/{account_id}"]


def _notification(owner: SignedIn) -> str:
    """A notification in A's own inbox: an API key of A's assigns a lead to A (nobody is notified of their own act)."""
    secret = owner.call("POST", "/v1/api-keys", json={"name": "crm sync", "scopes": ["leads:write"]}).json()["secret"]
    key = {"Authorization": f"Bearer {secret}"}
    lead_id = owner.call("POST", "/v1/leads", json={"company_name": "甲公司"}, headers=key).json()["id"]
    me = owner.call("GET", "/v1/me").json()["user"]["id"]
    moved = owner.call("PATCH", f"/v1/leads/{lead_id}", json={"owner_user_id": me}, headers={**key, "If-Match": '"1"'})
    assert moved.status_code == 200, moved.text
    inbox = owner.call("GET", "/v1/notifications", params={"unread": "true"}).json()["items"]
    return next(item["id"] for item in inbox if item["entity"] == f"lead/{lead_id}")


CREATORS["/v1/notifications/{notification_id}/read"] = _notification


def _import_job(owner: SignedIn) -> str:
    body = {"entity": "accounts", "mapping": "hubspot", "file_name": "甲.csv"}
    return owner.call("POST", "/v1/imports", json=body).json()["job"]["id"]


for _path in ("", "/errors", "/dry-run", "/commit"):
    CREATORS["/v1/imports/{import_id}" + _path] = _import_job
CREATORS["/v1/exports/{export_id}"] = lambda owner: owner.call(
    "POST", "/v1/exports", json={"entity": "accounts", "filters": {"q": "甲"}}
).json()["id"]
CREATORS["/v1/import-mappings/{mapping_id}"] = lambda owner: owner.call(
    "POST",
    "/v1/import-mappings",
    json={"name": "ERP", "entity": "accounts", "columns": [{"column": "公司名稱", "field": "name"}]},
).json()["id"]


def _activity(owner: SignedIn) -> str:
    account_id = CREATORS["/v1/accounts/{account_id}"](owner)
    body = {"kind": "call", "subject": "致電", "due_at": "2027-01-05T09:00:00+08:00", "account_id": account_id}
    return owner.call("POST", "/v1/activities", json=body).json()["id"]


CREATORS["/v1/activities/{activity_id}"] = _activity
CREATORS["/v1/accounts/{account_id}/activities"] = CREATORS["/v1/accounts/{account_id}"]
CREATORS["/v1/accounts/{account_id}/duplicates"] = CREATORS["/v1/accounts/{account_id}"]
CREATORS["/v1/accounts/{account_id}/merge"] = CREATORS["/v1/accounts/{account_id}"]
CREATORS["/v1/accounts/{account_id}/scorecard"] = CREATORS["/v1/accounts/{account_id}"]
CREATORS["/v1/leads/{lead_id}/convert"] = CREATORS["/v1/leads/{lead_id}"]
# Comments and followers of A's records: B can neither read, add, follow nor unfollow them.
for _collection, _singular in (
    ("accounts", "account"),
    ("contacts", "contact"),
    ("leads", "lead"),
    ("opportunities", "opportunity"),
):
    for _tail in ("comments", "followers/me"):
        CREATORS[f"/v1/{_collection}/{{record_id}}/{_tail}"] = CREATORS[f"/v1/{_collection}/{{{_singular}_id}}"]
# Control-plane status of a signup: public by design, answers only provisioning/active/failed.
NOT_TENANT_SCOPED = {"/v1/tenants/{tenant_id}/status"}
# Bodies each method (or path and method) accepts, so that the answer is about the id, not the body.
WRITE_BODIES = {
    "patch": {"name": "乙公司"},
    ("/v1/leads/{lead_id}", "patch"): {"company_name": "乙公司"},
    ("/v1/opportunities/{opportunity_id}/stage", "post"): {"stage": "won"},
    ("/v1/contacts/{contact_id}", "patch"): {"title": "經理"},
    ("/v1/import-mappings/{mapping_id}", "patch"): {"name": "乙"},
    ("/v1/activities/{activity_id}", "patch"): {"status": "done"},
    ("/v1/accounts/{account_id}/scorecard", "put"): {"scores": {"relationship": "5"}},
    ("/v1/accounts/{account_id}/merge", "post"): {
        "duplicate_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "survivor_version": 1,
        "duplicate_version": 1,
    },
    **{
        (f"/v1/{kind}/{{record_id}}/comments", "post"): {"body": "乙公司的留言"}
        for kind in ("accounts", "contacts", "leads", "opportunities")
    },
    ("/v1/leads/{lead_id}/convert", "post"): {
        "opportunity": {
            "name": "審計",
            "amount": {"amount": "1", "currency": "HKD"},
            "expected_close_date": "2027-01-31",
        }
    },
    ("/v1/quotes/{quote_id}", "patch"): {"notes": "乙"},
    ("/v1/opportunities/{opportunity_id}/quotes", "post"): {"lines": QUOTE_LINES},
}


def _id_paths() -> dict[str, list[str]]:
    return {
        path: [method for method in operations if method in {"get", "patch", "put", "delete", "post"}]
        for path, operations in OPENAPI["paths"].items()
        if "{" in path
    }


def test_every_id_path_is_covered():
    # Given the published API / Then every path that takes an id is in this suite
    assert set(_id_paths()) - NOT_TENANT_SCOPED == set(CREATORS)


@pytest.mark.parametrize("path", sorted(CREATORS))
def test_another_tenants_ids_answer_404_on_every_method(path, tenant_a: SignedIn, tenant_b: SignedIn):
    # Given a resource of tenant A
    resource_id = CREATORS[path](tenant_a)
    concrete = path.replace(path[path.index("{") : path.index("}") + 1], resource_id)
    for method in _id_paths()[path]:
        # When tenant B calls it, with a plausible If-Match
        response = tenant_b.call(
            method.upper(),
            concrete,
            json=WRITE_BODIES.get((path, method), WRITE_BODIES.get(method)),
            headers={"If-Match": '"1"'},
        )
        # Then B is told it does not exist
        assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code} {response.text}"
    # And A still sees it unchanged
    if "get" in _id_paths()[path]:
        assert tenant_a.call("GET", concrete).json().get("version", 1) == 1


@pytest.mark.parametrize(
    "collection",
    [
        "/v1/accounts",
        "/v1/users",
        "/v1/api-keys",
        "/v1/leads",
        "/v1/opportunities",
        "/v1/contacts",
        "/v1/imports",
        "/v1/exports",
        "/v1/import-mappings",
        "/v1/activities",
    ],
)
def test_lists_exclude_the_other_tenant(collection, tenant_a, tenant_b):
    # Given something of A's in the collection
    creator = next(create for path, create in CREATORS.items() if path.startswith(collection + "/"))
    a_id = creator(tenant_a)
    # When B lists the collection, even naming A in a header
    listed = tenant_b.call("GET", collection, params={"limit": 200}, headers={"X-Tenant-Id": "ignored"}).json()
    # Then none of A's ids appear
    assert a_id not in {item["id"] for item in listed["items"]}


def test_another_tenants_inbox_is_never_listed_nor_marked(tenant_a, tenant_b):
    # Given an unread notification of A's
    notification_id = _notification(tenant_a)
    # When B lists its own inbox and marks everything read
    listed = tenant_b.call("GET", "/v1/notifications", params={"limit": 200}).json()["items"]
    assert tenant_b.call("POST", "/v1/notifications/read-all").status_code == 200
    # Then B never saw it, and A's stays unread
    assert notification_id not in {item["id"] for item in listed}
    unread = tenant_a.call("GET", "/v1/notifications", params={"unread": "true", "limit": 200}).json()["items"]
    assert notification_id in {item["id"] for item in unread}


def test_another_tenants_accounts_are_never_likely_duplicates(tenant_a, tenant_b):
    # Given A has an account with a name, phone and BR number
    identity = {"name": f"隔離測試{ULID()}有限公司", "phone": "+852 2345 6789", "hk_br_number": "87654321"}
    a_id = tenant_a.call("POST", "/v1/accounts", json=identity).json()["id"]
    # When B creates the same firm
    created = tenant_b.call("POST", "/v1/accounts", json=identity).json()
    # Then B is offered none of A's accounts, and A's account lists none of B's
    assert created["possible_duplicates"] == []
    assert created["id"] not in {
        m["entity_id"] for m in tenant_a.call("GET", f"/v1/accounts/{a_id}/duplicates").json()["items"]
    }


def test_another_tenants_accounts_are_never_a_new_leads_likely_duplicates(tenant_a, tenant_b):
    # Given B has an account (only: B's reports must stay empty of leads for the reports test)
    name = f"隔離線索{ULID()}有限公司"
    assert tenant_b.call("POST", "/v1/accounts", json={"name": name, "phone": "+852 2345 6780"}).status_code == 201
    # When A creates a lead of the same firm
    created = tenant_a.call("POST", "/v1/leads", json={"company_name": name, "phone": "+852 2345 6780"}).json()
    # Then A is offered none of B's records
    assert created["possible_duplicates"] == []


def test_score_orderings_and_scorecard_settings_are_per_tenant(tenant_a, tenant_b):
    # Given A scored an account and changed its scorecard settings
    a_id = CREATORS["/v1/accounts/{account_id}"](tenant_a)
    scored = tenant_a.call(
        "PUT", f"/v1/accounts/{a_id}/scorecard", json={"scores": {"relationship": "9"}}, headers={"If-Match": '"1"'}
    )
    assert scored.status_code == 200, scored.text
    a_settings = tenant_a.call("GET", "/v1/sales-settings/scorecard")
    factor = {"key": "only_a", "label_en": "A", "label_zh_hant": "甲", "label_zh_hans": "甲", "weight": 100}
    changed = tenant_a.call(
        "PUT",
        "/v1/sales-settings/scorecard",
        json={"factors": [factor], "tiers": {"A": "80", "B": "60", "C": "40"}},
        headers={"If-Match": a_settings.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    # Then B's score ordering has none of A's accounts, and B's settings are its own
    listed = tenant_b.call("GET", "/v1/accounts", params={"sort": "-score", "limit": 200}).json()
    assert a_id not in {item["id"] for item in listed["items"]}
    assert "only_a" not in {f["key"] for f in tenant_b.call("GET", "/v1/sales-settings/scorecard").json()["factors"]}


def test_another_tenants_comments_are_never_shown(tenant_a, tenant_b):
    # Given a comment by A on A's account
    account_id = CREATORS["/v1/accounts/{account_id}"](tenant_a)
    assert tenant_a.call("POST", f"/v1/accounts/{account_id}/comments", json={"body": "機密"}).status_code == 201
    # When B reads the comments of that id / Then 404 and no body of A's
    response = tenant_b.call("GET", f"/v1/accounts/{account_id}/comments")
    assert response.status_code == 404 and "機密" not in response.text


def test_audit_of_another_tenants_entity_is_empty(tenant_a, tenant_b):
    account_id = CREATORS["/v1/accounts/{account_id}"](tenant_a)
    response = tenant_b.call("GET", "/v1/audit", params={"entity": f"accounts/{account_id}"})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_cursor_replayed_by_another_tenant_is_refused(tenant_a, tenant_b):
    # Given A has two accounts and a cursor to the second page
    for name in ("一號", "二號"):
        tenant_a.call("POST", "/v1/accounts", json={"name": name})
    cursor = tenant_a.call("GET", "/v1/accounts", params={"limit": 1}).json()["next_cursor"]
    assert cursor
    # When B replays it
    replayed = tenant_b.call("GET", "/v1/accounts", params={"limit": 1, "cursor": cursor})
    # Then B gets a problem naming the cursor and no items
    assert replayed.status_code == 422
    assert replayed.json()["errors"][0]["field"] == "cursor"
    assert "items" not in replayed.json()


def test_an_idempotency_key_replayed_by_another_tenant_returns_nothing_of_the_first(tenant_a, tenant_b):
    # Given A created an account with an Idempotency-Key
    key = str(ULID())
    first = tenant_a.call("POST", "/v1/accounts", json={"name": "同名公司"}, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    # When B sends the same key and body
    replay = tenant_b.call("POST", "/v1/accounts", json={"name": "同名公司"}, headers={"Idempotency-Key": key})
    # Then B's request is its own: a new account of B's, never A's record
    assert replay.status_code == 201
    assert replay.json()["id"] != first.json()["id"]
    assert tenant_a.call("GET", f"/v1/accounts/{replay.json()['id']}").status_code == 404


def test_a_tenant_id_in_header_or_body_is_never_honoured(tenant_a, tenant_b):
    a_me = tenant_a.call("GET", "/v1/me").json()
    # When B names A's tenant in a header
    me = tenant_b.call("GET", "/v1/me", headers={"X-Tenant-Id": a_me["tenant"]["id"]})
    # Then B is still B
    assert me.json()["tenant"]["id"] != a_me["tenant"]["id"]
    # When B puts A's tenant id in a body
    response = tenant_b.call("POST", "/v1/accounts", json={"name": "x", "tenant_id": a_me["tenant"]["id"]})
    # Then it is refused, naming the field, and nothing is created for A
    assert response.status_code == 422
    assert "tenant_id" in {error["field"] for error in response.json()["errors"]}


def _claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _moto_signing_key() -> dict:
    """moto's own Cognito signing key: forging with the real key isolates the expiry and claim checks."""
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


@pytest.mark.parametrize("forgery", ["tampered", "alg_none", "other_key", "expired", "other_tenant_claim"])
def test_forged_expired_or_tampered_tokens_are_refused(forgery, product, tenant_a):
    claims = _claims_of(tenant_a.id_token)
    header, payload, signature = tenant_a.id_token.split(".")
    if forgery == "tampered":
        changed = dict(claims, **{"custom:tenant_id": "01" + "Z" * 24})
        token = ".".join(
            [header, base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode(), signature]
        )
    elif forgery == "alg_none":
        token = jwt.encode(claims, key=None, algorithm="none")
    elif forgery == "other_key":
        from cryptography.hazmat.primitives.asymmetric import rsa

        token = jwt.encode(
            claims,
            rsa.generate_private_key(public_exponent=65537, key_size=2048),
            algorithm="RS256",
            headers={"kid": "dummy"},
        )
    else:
        key = jwt.PyJWK(_moto_signing_key())
        if forgery == "expired":
            claims = dict(claims, exp=int(time.time()) - 60, iat=int(time.time()) - 3700)
        else:
            claims = dict(claims, **{"custom:tenant_id": str(ULID())})
        token = jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": "dummy"})
    # When the forged token is used / Then it is refused as unauthenticated
    response = requests.get(f"{product.base_url}/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 401, forgery


def test_role_escalation_is_refused(product, tenant_a):
    # Given the owner invites a staff member, who signs in
    email = f"staff-{ULID()}@e2e.example".lower()
    invited = tenant_a.call("POST", "/v1/users", json={"email": email, "name": "王小姐", "role": "staff"})
    assert invited.status_code == 201, invited.text
    staff = product.sign_in_first_time(email)
    staff_id = invited.json()["id"]
    version = staff.call("GET", f"/v1/users/{staff_id}").headers["ETag"]
    # When the staff member tries to make themselves owner, or to invite an admin
    self_promotion = staff.call("PATCH", f"/v1/users/{staff_id}", json={"role": "owner"}, headers={"If-Match": version})
    invite = staff.call(
        "POST", "/v1/users", json={"email": f"x-{ULID()}@e2e.example".lower(), "name": "x", "role": "admin"}
    )
    key = staff.call("POST", "/v1/api-keys", json={"name": "mine", "scopes": ["accounts:write"]})
    # Then each is forbidden and the role is unchanged
    assert self_promotion.status_code == 403
    assert invite.status_code == 403
    assert key.status_code == 403
    assert tenant_a.call("GET", f"/v1/users/{staff_id}").json()["role"] == "staff"


def test_reports_count_only_the_callers_tenant(tenant_a, tenant_b):
    # Given tenant A's won opportunity, rolled up by the running product's stream poller
    opportunity_id = _opportunity(tenant_a)
    won = tenant_a.call(
        "POST", f"/v1/opportunities/{opportunity_id}/stage", json={"stage": "won"}, headers={"If-Match": '"1"'}
    )
    assert won.status_code == 200, won.text

    def a_sees_it():
        report = tenant_a.call("GET", "/v1/reports/branches").json()
        return report if sum(row["current"]["won_count"] for row in report["branches"]) >= 1 else None

    wait_for(a_sees_it, timeout=60, what="tenant A's won opportunity in its branch report")
    # Then tenant B's reports, whatever the filter, show nothing of it
    for path in (
        "/v1/reports/funnel",
        "/v1/reports/sales-cycle",
        "/v1/reports/branches",
        "/v1/reports/lead-conversion",
    ):
        for params in ({}, {"owner_user_id": won.json()["owner_user_id"]}):
            report = tenant_b.call("GET", path, params=params, headers={"X-Tenant-Id": "ignored"})
            assert report.status_code == 200, report.text
            body = report.json()
            assert body.get("opportunities", 0) == 0 and body.get("branches", []) == []
            assert body.get("by_region", []) == [] and body.get("overall", {"won": 0})["won"] == 0
