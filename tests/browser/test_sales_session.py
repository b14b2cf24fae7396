"""A firm's sales work in the console, in Debian's Chromium against the started local runtime.

Lead assignment rules → a lead created in the browser gets its owner from the matching rule → an account's
contact and opportunity created from its tabs → the opportunity moved through the stages (a lost move
needs its reason) to won, shown on the pipeline board → the same pages in 简体中文. Each page leaves a
screenshot under test-artifacts/browser/<test>/.
"""

import re

import requests
from playwright.sync_api import Page, expect
from ulid import ULID

from tests.browser.console_session import LANGUAGE_NAMES, ConsoleText, sign_in
from tests.browser.test_first_session import assert_no_english, choose
from tests.running_product import RunningProduct, wait_for

ACCOUNT_NAME = "九龍貿易有限公司"
LEAD_COMPANY = "新界物流有限公司"
SALES_NAME = "李小明"


def test_a_lead_is_assigned_by_rule_and_an_opportunity_is_won(page: Page, product: RunningProduct, screenshots):
    # Given a firm with a sales colleague (invited) and an account
    firm = f"陳氏會計師事務所 {str(ULID().milliseconds)[-6:]}"  # no Latin letters: the Chinese UI shows it
    owner = product.sign_in_first_time(product.sign_up(firm=firm).email)
    colleague = owner.call(
        "POST",
        "/v1/users",
        json={"email": f"sales-{owner.email}", "name": SALES_NAME, "role": "sales", "locale": "zh-Hans"},
    )
    assert colleague.status_code == 201, colleague.text
    colleague_id = colleague.json()["id"]
    account = owner.call("POST", "/v1/accounts", json={"name": ACCOUNT_NAME})
    assert account.status_code == 201, account.text
    account_id = account.json()["id"]
    owner_id = owner.call("GET", "/v1/me").json()["user"]["id"]
    sign_in(page, owner.email, owner.password)
    navigation = page.get_by_role("navigation")

    # When the owner routes audit leads in Hong Kong to the colleague, everything else to themself
    navigation.get_by_role("link", name="Lead assignment").click()
    expect(page.get_by_role("heading", level=1, name="Lead assignment")).to_be_visible()
    page.get_by_role("button", name="Add a rule").click()
    rule = page.get_by_role("group", name="Rule 1")
    rule.get_by_role("textbox", name="Rule name").fill("Audit in Hong Kong")
    rule.get_by_role("textbox", name="Business line").fill("audit")
    rule.get_by_role("textbox", name="Region").fill("Hong Kong")
    choose(page, rule.get_by_role("combobox", name="User", exact=True), SALES_NAME)
    choose(page, page.get_by_role("combobox", name="Fallback owner"), "陳大文")
    screenshots.take(page, "assignment rules")
    page.get_by_role("button", name="Save").click()
    # Then the rules are saved as entered
    expect(page.get_by_text("Assignment rules saved")).to_be_visible()
    rules = owner.call("GET", "/v1/sales-settings/assignment-rules").json()
    assert [(r["name"], r["assign"]["user_id"]) for r in rules["rules"]] == [("Audit in Hong Kong", colleague_id)]

    # When the owner creates a lead for audit in Hong Kong (with different letter case)
    navigation.get_by_role("link", name="Leads").click()
    expect(page.get_by_role("heading", level=1, name="Leads")).to_be_visible()
    page.get_by_role("button", name="New lead").click()
    page.get_by_role("textbox", name="Company").fill(LEAD_COMPANY)
    page.get_by_role("textbox", name="Contact person").fill("黃志明")
    page.get_by_role("textbox", name="Business line").fill("Audit")
    page.get_by_role("textbox", name="Region").fill("hong kong")
    screenshots.take(page, "new lead")
    page.get_by_role("button", name="Save").click()
    # Then the lead's page shows the owner the rule chose
    expect(page.get_by_role("heading", level=1, name=LEAD_COMPANY)).to_be_visible()
    expect(page.get_by_test_id("lead-owner")).to_have_text(SALES_NAME)
    screenshots.take(page, "lead assigned by rule")
    # And the list shows it under its status, and not under another
    navigation.get_by_role("link", name="Leads").click()
    lead_row = page.get_by_role("row", name=re.compile(LEAD_COMPANY))
    expect(lead_row).to_contain_text(SALES_NAME)
    choose(page, page.get_by_role("combobox", name="Filter by status"), "Qualified")
    expect(lead_row).to_be_hidden()
    choose(page, page.get_by_role("combobox", name="Filter by status"), "New")
    expect(lead_row).to_be_visible()
    screenshots.take(page, "leads list")

    # When another system (an API key) hands the lead over to the owner
    lead_id = lead_row.get_by_role("link").get_attribute("href").rsplit("/", 1)[1]
    key = owner.call("POST", "/v1/api-keys", json={"name": "CRM sync", "scopes": ["leads:read", "leads:write"]})
    assert key.status_code == 201, key.text
    system = {"Authorization": f"Bearer {key.json()['secret']}"}
    etag = requests.get(f"{product.base_url}/v1/leads/{lead_id}", headers=system, timeout=10).headers["ETag"]
    handed = requests.patch(
        f"{product.base_url}/v1/leads/{lead_id}",
        json={"owner_user_id": owner_id},
        headers={**system, "If-Match": etag},
        timeout=10,
    )
    assert handed.status_code == 200, handed.text
    # Then the bell counts one unread notification; opening it shows the lead and marks it read
    page.reload()
    bell = page.get_by_role("button", name="Notifications, 1 unread")
    expect(bell).to_be_visible(timeout=30_000)
    bell.click()
    notification = page.get_by_role("button", name=re.compile(f"Lead assigned to you: {LEAD_COMPANY}"))
    expect(notification).to_be_visible()
    screenshots.take(page, "notifications")
    notification.click()
    expect(page.get_by_role("heading", level=1, name=LEAD_COMPANY)).to_be_visible()
    expect(page.get_by_test_id("lead-owner")).to_have_text("陳大文")
    expect(page.get_by_role("button", name="Notifications, 0 unread")).to_be_visible()

    # When the owner adds the account's primary contact from its contacts tab
    page.goto(f"/accounts/{account_id}")
    page.get_by_role("tab", name="Contacts").click()
    page.get_by_role("button", name="New contact").click()
    expect(page.get_by_role("heading", level=1, name="New contact")).to_be_visible()
    page.get_by_role("textbox", name="English name").fill("Peter Wong")
    page.get_by_role("textbox", name="Chinese name").fill("黃大文")
    choose(page, page.get_by_role("combobox", name="Roles"), "Decision maker")
    page.keyboard.press("Escape")
    page.get_by_role("textbox", name="Phone number 1").fill("+852 9123 4567")
    page.get_by_role("checkbox", name="Primary contact of the account").check()
    screenshots.take(page, "new contact")
    page.get_by_role("button", name="Save").click()
    # Then the account's contacts tab lists them as primary
    expect(page.get_by_role("heading", level=1, name=ACCOUNT_NAME)).to_be_visible()
    contact_row = page.get_by_role("row", name=re.compile("Peter Wong"))
    expect(contact_row).to_contain_text("Primary")
    expect(contact_row).to_contain_text("+852 9123 4567")
    screenshots.take(page, "account contacts")

    # When the owner creates an opportunity from the account's opportunities tab
    page.get_by_role("tab", name="Opportunities").click()
    page.get_by_role("button", name="New opportunity").click()
    expect(page.get_by_role("heading", level=1, name="New opportunity")).to_be_visible()
    page.get_by_role("textbox", name="Opportunity").fill("2027 年度審計")
    page.get_by_role("textbox", name="Amount").fill("120,000.50")
    page.get_by_label("Expected close").fill("2027-03-31")
    screenshots.take(page, "new opportunity")
    page.get_by_role("button", name="Save").click()
    # Then it opens in the first stage with the amount in HKD
    expect(page.get_by_role("heading", level=1, name="2027 年度審計")).to_be_visible()
    opportunity_id = re.search(r"/opportunities/([0-9A-Z]{26})$", page.url).group(1)
    stage = page.get_by_test_id("opportunity-stage")
    expect(stage).to_have_text("Lead in")
    expect(page.get_by_role("main")).to_contain_text("HK$120,000.50")

    # When it is moved stage by stage through the funnel
    for next_stage in ("Qualified", "Proposal", "Negotiation"):
        page.get_by_role("button", name=f"Move to {next_stage}").click()
        dialog = page.get_by_role("dialog", name="Change the stage")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Move").click()
        expect(dialog).to_be_hidden()
        # Then each move shows
        expect(stage).to_have_text(next_stage)
    screenshots.take(page, "opportunity in negotiation")

    # When the owner starts to mark it lost without a reason
    page.get_by_role("button", name="Mark as lost").click()
    dialog = page.get_by_role("dialog", name="Change the stage")
    dialog.get_by_role("button", name="Move").click()
    # Then the dialog asks for the reason and nothing moves
    expect(dialog.get_by_text("Say why the opportunity was lost.")).to_be_visible()
    screenshots.take(page, "lost reason required")
    dialog.get_by_role("button", name="Cancel").click()
    expect(stage).to_have_text("Negotiation")

    # When the owner marks it won instead
    page.get_by_role("button", name="Move to Won").click()
    dialog = page.get_by_role("dialog", name="Change the stage")
    dialog.get_by_role("button", name="Move").click()
    expect(dialog).to_be_hidden()
    # Then it is won, with the whole history on its timeline, and the API agrees
    expect(stage).to_have_text("Won")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    timeline = page.locator(".ant-timeline")
    for name in ("Lead in", "Qualified", "Proposal", "Negotiation", "Won"):
        expect(timeline).to_contain_text(name)
    screenshots.take(page, "opportunity won")
    saved = owner.call("GET", f"/v1/opportunities/{opportunity_id}").json()
    assert (saved["status"], saved["stage"], saved["probability"]) == ("won", "won", 100), saved
    assert [entry["stage"] for entry in saved["stage_history"]] == [
        "lead-in",
        "qualified",
        "proposal",
        "negotiation",
        "won",
    ]

    # When the owner opens the pipeline board
    navigation.get_by_role("link", name="Pipeline").click()
    expect(page.get_by_role("heading", level=1, name="Pipeline")).to_be_visible()
    # Then the opportunity is in the won column with the column's total
    won = page.get_by_test_id("stage-won")
    expect(won).to_contain_text("2027 年度審計")
    expect(won).to_contain_text("HK$120,000.50")
    expect(page.get_by_test_id("stage-negotiation")).not_to_contain_text("2027 年度審計")
    screenshots.take(page, "pipeline")

    for name in ("Opportunities", "Contacts", "Sales stages"):
        navigation.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
        screenshots.take(page, name)

    # When the owner switches the language to 简体中文
    choose(page, page.get_by_role("banner").get_by_role("combobox", name="Language"), LANGUAGE_NAMES["zh-Hans"])
    zh = ConsoleText("zh-Hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    wait_for(lambda: owner.call("GET", "/v1/me").json()["locale"] == "zh-Hans", 15, "the language saved")
    page.reload()
    # Then every sales page is in Chinese
    pages = (
        ("/leads", zh("Leads")),
        ("/leads/new", zh("New lead")),
        ("/pipeline", zh("Pipeline")),
        ("/opportunities", zh("Opportunities")),
        (f"/opportunities/{opportunity_id}", "2027 年度審計"),
        ("/opportunities/new", zh("New opportunity")),
        ("/contacts", zh("Contacts")),
        ("/contacts/new", zh("New contact")),
        ("/settings/sales-stages", zh("Sales stages")),
        ("/settings/assignment-rules", zh("Lead assignment")),
    )
    for path, heading in pages:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(page.get_by_role("main").locator(".ant-skeleton")).to_have_count(0)
        if path != "/settings/assignment-rules":  # its rule shows the firm's own words (audit, Hong Kong)
            assert_no_english(page, path)
        screenshots.take(page, f"{path} zh-hans")
    page.goto(f"/accounts/{account_id}?tab=contacts")
    expect(page.get_by_role("row", name=re.compile("Peter Wong"))).to_contain_text(zh("Primary"))
    assert_no_english(page, "account contacts")
    screenshots.take(page, "account contacts zh-hans")
    page.goto(f"/opportunities/{opportunity_id}")
    expect(page.get_by_test_id("opportunity-stage")).to_have_text("已成交")
    page.get_by_role("button", name=zh("Reopen")).click()
    dialog = page.get_by_role("dialog", name=zh("Reopen the opportunity"))
    choose(page, dialog.get_by_role("combobox", name=zh("New stage")), "已流失")
    dialog.get_by_role("textbox", name=zh("Lost reason")).fill("客戶選擇了其他事務所")
    assert_no_english(page, "reopen dialog")
    screenshots.take(page, "reopen as lost zh-hans")
    dialog.get_by_role("button", name=zh("Reopen")).click()
    expect(page.get_by_test_id("opportunity-stage")).to_have_text("已流失")
    expect(page.get_by_role("main")).to_contain_text("客戶選擇了其他事務所")
    screenshots.take(page, "opportunity lost zh-hans")
