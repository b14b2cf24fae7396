"""A firm's first session, over HTTP against the started local runtime, as a person would do it."""

import requests

from tests.running_product import temporary_password, wait_for


def test_config_json_tells_the_console_where_everything_is(product):
    # Given the local runtime / When the console loads its configuration
    config = requests.get(f"{product.base_url}/config.json", timeout=5).json()
    # Then it names the user pool, its client, the Cognito endpoint, the API and the mailbox
    assert config["user_pool_id"] and config["user_pool_client_id"]
    assert config["cognito_endpoint"].startswith("http://127.0.0.1:")
    assert config["api_base_url"] == product.base_url
    assert config["mailbox_url"].endswith("/_local/mailbox")


def test_signup_invitation_sign_in_and_accounts_round_trip(product):
    # Given a firm signs up in Traditional Chinese
    signup = product.sign_up(locale="zh-Hant")
    # When the owner opens the invitation in the mailbox
    invitation = product.invitation_for(signup.email)
    # Then it is in Traditional Chinese, and the temporary password is in no log line of any function
    assert "邀請" in invitation["subject"]
    runtime_log = product.log_path.read_text()
    assert '"function_name":"servicejob-local-workflows"' in runtime_log  # the onboarding tasks did log
    assert temporary_password(invitation) not in runtime_log
    # When the owner signs in for the first time and sets a new password
    owner = product.sign_in_first_time(signup.email)
    # Then /v1/me knows the user, the tenant and the role
    me = owner.call("GET", "/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["tenant"]["id"] == signup.tenant_id
    assert me.json()["role"] == "owner"
    assert "accounts:write" in me.json()["permissions"]

    # When the owner creates an account with a Chinese name
    created = owner.call("POST", "/v1/accounts", json={"name": "  深圳市腾讯计算机系统有限公司 ", "tags": ["審計"]})
    # Then it is stored trimmed, at version 1, with an ETag
    assert created.status_code == 201, created.text
    account = created.json()
    assert account["name"] == "深圳市腾讯计算机系统有限公司"
    assert created.headers["ETag"] == '"1"'

    # When it is edited with the ETag, and then edited again with the stale ETag
    edited = owner.call(
        "PATCH", f"/v1/accounts/{account['id']}", json={"phone": "+852 2123 4567"}, headers={"If-Match": '"1"'}
    )
    stale = owner.call(
        "PATCH", f"/v1/accounts/{account['id']}", json={"phone": "+852 0000 0000"}, headers={"If-Match": '"1"'}
    )
    # Then the first wins and the second is refused as a conflict, naming the current version
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert stale.status_code == 412
    assert stale.headers["Content-Type"].startswith("application/problem+json")
    assert stale.json()["current_version"] == 2

    # And the list finds it by name prefix
    found = owner.call("GET", "/v1/accounts", params={"q": "深圳"}).json()["items"]
    assert [item["id"] for item in found] == [account["id"]]

    # And the audit trail, written from the table stream, shows who changed what
    def history():
        items = owner.call("GET", "/v1/audit", params={"entity": f"accounts/{account['id']}"}).json()["items"]
        return items if len(items) == 2 else None

    entries = wait_for(history, 30, "two audit entries")
    assert [entry["action"] for entry in entries] == ["updated", "created"]
    assert entries[0]["changes"]["phone"] == {"before": None, "after": "+852 2123 4567"}
    assert entries[0]["actor"].startswith("user:")

    # And account.created went to the event bus
    def published():
        return [
            event
            for event in product.events()
            if event.get("detail-type") == "account.created" and event["detail"]["entity_id"] == account["id"]
        ]

    events = wait_for(published, 30, "account.created on the bus")
    assert events[0]["detail"]["tenant_id"] == signup.tenant_id

    # When the owner deletes it with the current ETag
    deleted = owner.call("DELETE", f"/v1/accounts/{account['id']}", headers={"If-Match": '"2"'})
    # Then it is gone
    assert deleted.status_code == 204
    assert owner.call("GET", f"/v1/accounts/{account['id']}").status_code == 404


def test_api_key_acts_for_its_tenant_with_its_scopes_until_revoked(product):
    # Given an owner and an account
    owner = product.new_tenant_owner()
    account = owner.call("POST", "/v1/accounts", json={"name": "Wing On Engineering Ltd"}).json()
    # When the owner creates a read-only API key
    created = owner.call("POST", "/v1/api-keys", json={"name": "BI export", "scopes": ["accounts:read"]})
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert secret.startswith("sjk_")
    key_headers = {"Authorization": f"Bearer {secret}"}
    # Then the key reads the tenant's accounts but cannot write
    read = requests.get(f"{product.base_url}/v1/accounts/{account['id']}", headers=key_headers, timeout=10)
    assert read.status_code == 200 and read.json()["name"] == "Wing On Engineering Ltd"
    write = requests.post(f"{product.base_url}/v1/accounts", json={"name": "x"}, headers=key_headers, timeout=10)
    assert write.status_code == 403
    # And the list of keys shows it without the secret, with when it was last used
    listed = owner.call("GET", "/v1/api-keys").json()["items"]
    assert [key["name"] for key in listed] == ["BI export"]
    assert "secret" not in listed[0] and "secret_hash" not in listed[0]
    # When the key is revoked
    assert owner.call("DELETE", f"/v1/api-keys/{created.json()['id']}").status_code == 204
    # Then within the authorizer's 30 s cache it is refused
    wait_for(
        lambda: requests.get(f"{product.base_url}/v1/accounts", headers=key_headers, timeout=10).status_code == 401,
        40,
        "the revoked key to be refused",
        interval=1,
    )
