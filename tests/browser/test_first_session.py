"""A firm's first session in the console, in Debian's Chromium against the started local runtime.

Signup → the invitation in the local mailbox → first sign-in with the new password → an account with a
Chinese name, edited, then changed elsewhere so the saved form is stale (the conflict dialog: reload, then
overwrite) → the UI in 简体中文 → invite a user → create and revoke an API key. Each step leaves a
screenshot under test-artifacts/browser/<test>/.
"""

import re

import requests
from playwright.sync_api import Locator, Page, expect
from ulid import ULID

from tests.browser.console_session import LANGUAGE_NAMES, ConsoleText, id_token, sign_in_first_time
from tests.running_product import temporary_password, wait_for

ACCOUNT_NAME = "香港會計師事務所有限公司"
# Words a Chinese UI may still show: the product's name, codes, and the language switch's own "English".
# Currency symbols (HK$ in a Chinese locale) are codes too.
_LATIN_ALLOWED = {"Service", "Job", "CRM", "API", "HKD", "HK", "English", "Xero", "https", "PDF"}
# File formats (imports, the quote logo) and the CRMs whose exports the import reads: names, not words.
_LATIN_ALLOWED |= {"CSV", "UTF", "Big", "GB", "MB", "PNG", "JPEG", "HubSpot", "Salesforce", "SuiteCRM"}
# Roles whose accessible names are product strings; rows and cells hold the firm's data instead.
_PRODUCT_ROLES = {
    "banner",
    "navigation",
    "menuitem",
    "link",
    "button",
    "heading",
    "columnheader",
    "textbox",
    "searchbox",
    "combobox",
    "checkbox",
    "dialog",
    "img",
    "status",
    "alert",
    "text",
    "/placeholder",
}
_DATA_ROLES = {"row", "cell", "rowgroup", "listitem"}
_SNAPSHOT_LINE = re.compile(
    r'^(?P<indent>\s*)- (?P<role>[/\w]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?[^:]*(?::\s*(?P<text>.*))?$'
)


def test_a_firm_signs_up_and_runs_its_first_session(page: Page, context, product, screenshots):
    suffix = str(ULID()).lower()
    email = f"owner-{suffix}@browser.example"
    firm = f"陳氏會計師事務所 {str(ULID().milliseconds)[-6:]}"  # no Latin letters: data, not product text
    new_password = f"N3w-{ULID()}!x"

    # Given the signup page
    page.goto("/signup")
    expect(page.get_by_role("heading", level=1, name="Create your firm's workspace")).to_be_visible()
    # When the owner fills in the firm and submits
    page.get_by_role("textbox", name="Firm name").fill(firm)
    page.get_by_role("textbox", name="Your name").fill("陳大文")
    page.get_by_role("textbox", name="E-mail").fill(email)
    expect(page.get_by_role("combobox", name="Time zone")).to_be_visible()
    choose(page, page.get_by_role("combobox", name="Base currency"), "HKD", search="HKD")
    screenshots.take(page, "signup form")
    page.get_by_role("button", name="Create workspace").click()

    # Then the console says to check the e-mail, links the local mailbox and reports the workspace ready
    expect(page.get_by_role("heading", level=1, name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()
    mailbox_link = page.get_by_role("link", name="Open the local mailbox")
    expect(mailbox_link).to_have_attribute("href", product.config["mailbox_url"])
    expect(page.get_by_role("status")).to_have_text(re.compile("Your workspace is ready"), timeout=60_000)
    screenshots.take(page, "check your e-mail")

    # When the owner opens the invitation in the mailbox page
    mailbox = context.new_page()
    mailbox.goto(mailbox_link.get_attribute("href"))
    invitation = mailbox.locator("article", has_text=email)

    def invitation_arrived() -> bool:
        mailbox.reload()
        return invitation.count() == 1

    wait_for(invitation_arrived, 30, f"the invitation to {email} in the mailbox")
    screenshots.take(mailbox, "invitation in the mailbox")
    # Then it carries the temporary password
    temporary = temporary_password({"text": invitation.locator("pre").inner_text()})
    mailbox.close()

    # When the owner signs in with it and sets a new password
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    screenshots.take(page, "sign in")
    sign_in_first_time(
        page, email, temporary, new_password, on_new_password=lambda: screenshots.take(page, "new password")
    )
    # Then the (empty) accounts list of the firm is shown
    expect(page.get_by_role("banner")).to_contain_text(firm)
    expect(page.get_by_text("No accounts yet.")).to_be_visible()
    screenshots.take(page, "accounts empty")

    # When the owner creates an account with a Chinese name
    page.get_by_role("button", name="New account").click()
    expect(page.get_by_role("heading", level=1, name="New account")).to_be_visible()
    page.get_by_role("textbox", name="Name").fill(ACCOUNT_NAME)
    page.get_by_role("textbox", name="E-mail").fill("office@example.hk")
    page.get_by_role("textbox", name="Website").fill("https://example.hk")
    screenshots.take(page, "new account form")
    page.get_by_role("button", name="Save").click()
    # Then its detail page shows it
    expect(page.get_by_role("heading", level=1, name=ACCOUNT_NAME)).to_be_visible()
    account_id = re.search(r"/accounts/([0-9A-Z]{26})$", page.url).group(1)
    screenshots.take(page, "account created")

    # When the owner edits it
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("heading", level=1, name="Edit account")).to_be_visible()
    page.get_by_role("textbox", name="Phone").fill("+852 2111 2222")
    page.get_by_role("button", name="Save").click()
    # Then the detail page shows the change
    expect(page.get_by_role("heading", level=1, name=ACCOUNT_NAME)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("+852 2111 2222")
    screenshots.take(page, "account edited")

    # Given the same user changes the account elsewhere while the edit form is open
    api = OwnerApi(product.base_url, id_token(product, email, new_password))
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("textbox", name="Phone")).to_have_value("+852 2111 2222")
    page.get_by_role("textbox", name="Notes").fill("Year-end audit from the browser")
    api.change_account(account_id, {"website": "https://elsewhere.example.hk"})
    # When the stale form is saved
    page.get_by_role("button", name="Save").click()
    # Then the conflict dialog offers to reload; reloading shows the other change and drops this edit
    conflict = page.get_by_role("dialog", name="This account was changed by someone else")
    expect(conflict).to_be_visible()
    screenshots.take(page, "conflict dialog")
    conflict.get_by_role("button", name="Reload").click()
    expect(conflict).to_be_hidden()
    expect(page.get_by_role("textbox", name="Website")).to_have_value("https://elsewhere.example.hk")
    expect(page.get_by_role("textbox", name="Notes")).to_have_value("")
    screenshots.take(page, "conflict reloaded")

    # Given another change elsewhere after the reload
    page.get_by_role("textbox", name="Notes").fill("Quarterly tax filings, decided in the browser")
    api.change_account(account_id, {"phone": "+852 3999 0000"})
    # When the stale form is saved and the owner overwrites deliberately
    page.get_by_role("button", name="Save").click()
    expect(conflict).to_be_visible()
    conflict.get_by_role("button", name="Overwrite").click()
    # Then the owner's edit is saved over the current version
    expect(page.get_by_role("heading", level=1, name=ACCOUNT_NAME)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Quarterly tax filings, decided in the browser")
    saved = api.account(account_id)
    assert saved["notes"] == "Quarterly tax filings, decided in the browser"
    assert saved["version"] == 5, saved  # created, edited, changed twice elsewhere, overwritten
    screenshots.take(page, "conflict overwritten")

    # When the owner switches the language to 简体中文
    choose(page, page.get_by_role("banner").get_by_role("combobox", name="Language"), LANGUAGE_NAMES["zh-Hans"])
    # Then the whole UI is in Chinese, on every main page, also after a reload (the choice is saved)
    zh = ConsoleText("zh-Hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("button", name=zh("Edit"))).to_be_visible()
    page.reload()  # also clears the messages shown in English before the switch
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1, name=ACCOUNT_NAME)).to_be_visible()
    expect(page.get_by_role("button", name=zh("Edit"))).to_be_visible()
    assert_no_english(page, "account detail")
    screenshots.take(page, "account detail zh-hans")
    wait_for(lambda: api.me()["locale"] == "zh-Hans", 15, "the language saved to the user's profile")
    navigation = page.get_by_role("navigation")
    for english_link, english_heading in (("Accounts", "Accounts"), ("Users", "Users"), ("API keys", "API keys")):
        navigation.get_by_role("link", name=zh(english_link), exact=True).click()
        expect(page.get_by_role("heading", level=1, name=zh(english_heading))).to_be_visible()
        expect(page.get_by_role("table")).to_be_visible()
        assert_no_english(page, english_heading)
        screenshots.take(page, f"{english_heading} zh-hans")
    navigation.get_by_role("link", name=zh("Accounts"), exact=True).click()
    expect(page.get_by_role("link", name=ACCOUNT_NAME)).to_be_visible()
    page.get_by_role("button", name=zh("New account")).click()
    expect(page.get_by_role("heading", level=1, name=zh("New account"))).to_be_visible()
    assert_no_english(page, "account form")
    screenshots.take(page, "account form zh-hans")

    # When the owner invites a colleague, in Chinese
    colleague = f"staff-{suffix}@browser.example"
    navigation.get_by_role("link", name=zh("Users")).click()
    page.get_by_role("button", name=zh("Invite user")).click()
    invite = page.get_by_role("dialog", name=zh("Invite a user"))
    expect(invite).to_be_visible()
    invite.get_by_role("textbox", name=zh.at("users.name"), exact=True).fill("李小明")
    invite.get_by_role("textbox", name=zh("E-mail")).fill(colleague)
    choose(page, invite.get_by_role("combobox", name=zh("Role"), exact=True), zh("Staff"))
    choose(page, invite.get_by_role("combobox", name=zh("Invitation language")), LANGUAGE_NAMES["zh-Hans"])
    assert_no_english(page, "invite dialog")
    screenshots.take(page, "invite user zh-hans")
    invite.get_by_role("button", name=zh("Send invitation")).click()
    # Then the colleague is listed and receives a Chinese invitation
    expect(invite).to_be_hidden()
    expect(page.get_by_role("row", name=re.compile(re.escape(colleague)))).to_be_visible()
    assert "临时密码" in product.invitation_for(colleague)["text"]
    screenshots.take(page, "user invited zh-hans")

    # When the owner creates an API key
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    navigation.get_by_role("link", name=zh("API keys")).click()
    page.get_by_role("button", name=zh("Create API key")).click()
    create = page.get_by_role("dialog", name=zh("Create an API key"))
    create.get_by_role("textbox", name=zh.at("apiKeys.name"), exact=True).fill("會計系統")
    create.get_by_role("checkbox", name=zh.at("apiKeys.scopeNames.accounts_read")).check()
    screenshots.take(page, "create api key zh-hans")
    create.get_by_role("button", name=zh("Create"), exact=True).click()
    # Then the secret is shown once, can be copied, and works against the API
    created = page.get_by_role("dialog", name=zh("Your new API key"))
    secret_box = created.get_by_role("textbox", name=zh("Secret"))
    expect(secret_box).to_have_value(re.compile(r"^sjk_"))
    secret = secret_box.input_value()
    expect(created.get_by_role("alert")).to_contain_text(
        zh("Copy this secret now. It is shown only once and cannot be retrieved later.")
    )
    created.get_by_role("button", name=zh("Copy")).click()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    screenshots.take(page, "api key secret zh-hans")
    by_key = requests.get(f"{product.base_url}/v1/accounts", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert by_key.status_code == 200, by_key.text
    assert [account["name"] for account in by_key.json()["items"]] == [ACCOUNT_NAME]
    created.get_by_role("button", name=zh("Done")).click()
    expect(created).to_be_hidden()
    key_row = page.get_by_role("row", name=re.compile("會計系統"))
    expect(key_row).to_contain_text(zh.at("apiKeys.active"))
    assert secret not in page.content(), "the secret stays in the page after the dialog closed"

    # When the owner revokes it
    key_row.get_by_role("button", name=zh("Revoke")).click()
    confirm = page.get_by_role("dialog", name=zh("Revoke this API key?"))
    confirm.get_by_role("button", name=zh("Revoke")).click()
    # Then the list and the API both say it is revoked
    expect(key_row).to_contain_text(zh.at("apiKeys.revoked"))
    assert [bool(key["revoked_at"]) for key in api.api_keys() if key["name"] == "會計系統"] == [True]
    assert_no_english(page, "api keys after revoke")
    screenshots.take(page, "api key revoked zh-hans")


class OwnerApi:
    """The owner's own calls from elsewhere (another tab or device): same user, same tenant."""

    def __init__(self, base_url: str, token: str):
        self._base_url = base_url
        self._headers = {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {**self._headers, **kwargs.pop("headers", {})}
        response = requests.request(method, f"{self._base_url}{path}", headers=headers, timeout=10, **kwargs)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response

    def account(self, account_id: str) -> dict:
        return self._call("GET", f"/v1/accounts/{account_id}").json()

    def change_account(self, account_id: str, changes: dict) -> None:
        etag = self._call("GET", f"/v1/accounts/{account_id}").headers["ETag"]
        self._call("PATCH", f"/v1/accounts/{account_id}", json=changes, headers={"If-Match": etag})

    def me(self) -> dict:
        return self._call("GET", "/v1/me").json()

    def api_keys(self) -> list[dict]:
        return self._call("GET", "/v1/api-keys").json()["items"]


def choose(page: Page, combobox: Locator, option: str, search: str | None = None) -> None:
    """Picks an option of an antd Select: open it (typing to filter when searchable), click the option."""
    combobox.click()
    if search:
        combobox.fill(search)
    page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter(
        has_text=option
    ).first.click()


def assert_no_english(page: Page, where: str) -> None:
    """No product string in Latin letters in the page's accessibility tree (what is seen and what a screen
    reader says: navigation, headings, buttons, labels, icons), outside the table rows holding data."""
    english: set[str] = set()
    data_depth: int | None = None
    for line in page.locator("body").aria_snapshot().splitlines():
        match = _SNAPSHOT_LINE.match(line)
        if not match:
            continue
        depth = len(match["indent"])
        if data_depth is not None and depth > data_depth:
            continue
        data_depth = depth if match["role"] in _DATA_ROLES else None
        if match["role"] in _PRODUCT_ROLES:
            value_is_data = match["role"] in ("textbox", "searchbox", "combobox")  # what the user typed
            for text in (match["name"], None if value_is_data else match["text"]):
                words = re.findall(r"[A-Za-z]{2,}", text or "")
                if any(word not in _LATIN_ALLOWED for word in words):
                    english.add(f"{match['role']} {text!r}")
    assert not english, f"English left in the Chinese UI ({where}): {sorted(english)}"
