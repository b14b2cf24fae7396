"""Users and /v1/me over the API function, for a tenant onboarded by the real workflow on moto."""

import boto3
import pytest
from test_onboarding_workflow import OnboardingEnv, onboarding  # noqa: F401 - fixture
from ulid import ULID


@pytest.fixture
def firm(onboarding: OnboardingEnv):  # noqa: F811
    """An active tenant and its owner's authorizer output (as the authorizer builds it from the ID token)."""
    owner_email = f"owner-{ULID()}@example.com".lower()
    tenant_id = onboarding.sign_up(owner_email=owner_email, locale="zh-Hant")
    onboarding.wait_for_status(tenant_id, "active")
    cognito = boto3.client("cognito-idp", region_name=onboarding.region)
    sub = next(
        a["Value"]
        for a in cognito.admin_get_user(UserPoolId=onboarding.user_pool_id, Username=owner_email)["UserAttributes"]
        if a["Name"] == "sub"
    )
    return tenant_id, {"tenant_id": tenant_id, "principal_id": sub, "kind": "user", "role": "owner"}


def test_me_shows_the_owner_and_marks_them_active(onboarding: OnboardingEnv, firm):  # noqa: F811
    tenant_id, owner = firm
    # When the owner asks who they are, after signing in
    status, _, body = onboarding.call("GET", "/v1/me", authorizer=owner)
    # Then user, tenant, role, permissions and language come back, and the user is now active
    assert status == 200, body
    assert body["user"]["id"] == owner["principal_id"] and body["user"]["status"] == "active"
    assert body["tenant"] == body["tenant"] | {
        "id": tenant_id,
        "status": "active",
        "time_zone": "Asia/Hong_Kong",
        "base_currency": "HKD",
        "locale": "zh-Hant",
    }
    assert body["role"] == "owner" and "users:manage" in body["permissions"] and body["locale"] == "zh-Hant"
    # And the user list and the user's own record say active too
    status, _, listed = onboarding.call("GET", "/v1/users", authorizer=owner)
    assert status == 200 and [user["status"] for user in listed["items"]] == ["active"]
    assert onboarding.call("GET", f"/v1/users/{owner['principal_id']}", authorizer=owner)[2]["status"] == "active"
    # When they change their language / Then /me answers in it
    status, _, updated = onboarding.call("PATCH", "/v1/me", {"locale": "en"}, authorizer=owner)
    assert status == 200 and updated["locale"] == "en"
    assert onboarding.call("GET", "/v1/me", authorizer=owner)[2]["locale"] == "en"


def test_owner_invites_lists_changes_and_disables_a_user(onboarding: OnboardingEnv, firm):  # noqa: F811
    tenant_id, owner = firm
    email = f"staff-{ULID()}@example.com".lower()
    # When the owner invites a staff member with an Idempotency-Key, twice
    invite = {"email": email, "name": "李小明", "role": "staff", "locale": "zh-Hans"}
    key = {"Idempotency-Key": str(ULID())}
    status, headers, user = onboarding.call("POST", "/v1/users", invite, headers=key, authorizer=owner)
    replay_status, _, replay = onboarding.call("POST", "/v1/users", invite, headers=key, authorizer=owner)
    # Then one user exists, invited, and exactly one Simplified Chinese invitation went out
    assert status == 201, user
    assert replay_status == 201 and replay["id"] == user["id"]
    assert (user["role"], user["status"], user["locale"]) == ("staff", "invited", "zh-Hans")
    [message] = onboarding.messages_to(email)
    assert onboarding.password_in(message) not in str(user)
    cognito = boto3.client("cognito-idp", region_name=onboarding.region)
    attributes = {
        a["Name"]: a["Value"]
        for a in cognito.admin_get_user(UserPoolId=onboarding.user_pool_id, Username=email)["UserAttributes"]
    }
    assert attributes["custom:tenant_id"] == tenant_id and attributes["sub"] == user["id"]

    # And the list and the item show them
    status, _, page = onboarding.call("GET", "/v1/users", query={"limit": "1"}, authorizer=owner)
    assert status == 200 and len(page["items"]) == 1 and page["next_cursor"]
    status, _, rest = onboarding.call("GET", "/v1/users", query={"cursor": page["next_cursor"]}, authorizer=owner)
    assert {u["id"] for u in page["items"] + rest["items"]} == {user["id"], owner["principal_id"]}

    # When the owner promotes them with a stale and then the current ETag
    path = f"/v1/users/{user['id']}"
    stale = onboarding.call("PATCH", path, {"role": "manager"}, headers={"If-Match": '"9"'}, authorizer=owner)
    status, headers, promoted = onboarding.call(
        "PATCH", path, {"role": "manager"}, headers={"If-Match": '"1"'}, authorizer=owner
    )
    # Then only the current one applies
    assert stale[0] == 412
    assert status == 200 and promoted["role"] == "manager" and headers["ETag"] == f'"{promoted["version"]}"'

    # When the owner disables them / Then Cognito refuses their sign-in
    status, _, disabled = onboarding.call(
        "PATCH", path, {"status": "disabled"}, headers={"If-Match": headers["ETag"]}, authorizer=owner
    )
    assert status == 200 and disabled["status"] == "disabled"
    assert cognito.admin_get_user(UserPoolId=onboarding.user_pool_id, Username=email)["Enabled"] is False


def test_a_manager_cannot_invite_and_an_admin_cannot_grant_owner(onboarding: OnboardingEnv, firm):  # noqa: F811
    tenant_id, owner = firm
    invite = {"email": f"x-{ULID()}@example.com", "name": "X", "role": "owner"}
    manager = owner | {"principal_id": str(ULID()), "role": "manager"}
    admin = owner | {"principal_id": str(ULID()), "role": "admin"}
    assert onboarding.call("POST", "/v1/users", invite | {"role": "staff"}, authorizer=manager)[0] == 403
    assert onboarding.call("POST", "/v1/users", invite, authorizer=admin)[0] == 403
    assert onboarding.messages_to(invite["email"]) == []


def test_another_tenants_user_is_not_found(onboarding: OnboardingEnv, firm):  # noqa: F811
    _, owner = firm
    stranger = owner | {"tenant_id": str(ULID())}
    status, _, _ = onboarding.call("GET", f"/v1/users/{owner['principal_id']}", authorizer=stranger)
    assert status == 404
