"""The customer scorecard in the console, in Debian's Chromium against the started local runtime.

The owner sets the factors' weights (the running total and the API's refusal of weights that do not add
up to 100), the tier thresholds, and watches the accounts being re-scored; scores an account from its page
(the score and tier it gives shown before and after saving); orders and filters the accounts list by score
and tier; sets the quote defaults; then the same pages in 繁體中文. axe-core checks each page; each step
leaves a screenshot under test-artifacts/browser/<test>/.
"""

import re

from playwright.sync_api import Page, expect
from ulid import ULID

from tests.browser.console_session import LANGUAGE_NAMES, ConsoleText, sign_in
from tests.browser.test_accessibility import _AXE_VIOLATIONS, _serious
from tests.browser.test_first_session import assert_no_english, choose
from tests.running_product import RunningProduct, SignedIn, wait_for

SCORED_IN_BROWSER = "長江實業有限公司"
RISING = "九龍倉有限公司"  # tier B under the default weights, A under the new ones
LOW = "太古貿易有限公司"
UNSCORED = "新界物流有限公司"


def score_by_api(owner: SignedIn, account_id: str, scores: dict[str, str]) -> dict:
    etag = owner.call("GET", f"/v1/accounts/{account_id}").headers["ETag"]
    scored = owner.call(
        "PUT", f"/v1/accounts/{account_id}/scorecard", json={"scores": scores}, headers={"If-Match": etag}
    )
    assert scored.status_code == 200, scored.text
    return scored.json()["scorecard"]


def assert_accessible(page: Page, axe_source: str, where: str) -> None:
    page.add_script_tag(content=axe_source)
    violations = _serious(page.evaluate(_AXE_VIOLATIONS))
    assert not violations, f"axe-core violations on {where}: {violations}"


def listed_names(page: Page) -> list[str]:
    return page.get_by_role("main").get_by_role("table").get_by_role("link").all_inner_texts()


def test_the_scorecard_is_weighted_accounts_are_scored_and_listed_by_score(
    page: Page, product: RunningProduct, screenshots, axe_source
):
    # Given a firm with four accounts: one scored 9/5/5 (66.0, tier B), one 3/3/3 (30.0, tier D), two unscored
    firm = f"陳氏會計師事務所 {str(ULID().milliseconds)[-6:]}"
    owner = product.sign_in_first_time(product.sign_up(firm=firm).email)
    ids = {}
    for name in (SCORED_IN_BROWSER, RISING, LOW, UNSCORED):
        created = owner.call("POST", "/v1/accounts", json={"name": name})
        assert created.status_code == 201, created.text
        ids[name] = created.json()["id"]
    rising = score_by_api(owner, ids[RISING], {"revenue_potential": "9", "relationship": "5", "strategic_fit": "5"})
    assert (rising["score"], rising["tier"]) == ("66.0", "B")
    score_by_api(owner, ids[LOW], {"revenue_potential": "3", "relationship": "3", "strategic_fit": "3"})
    sign_in(page, owner.email, owner.password)
    navigation = page.get_by_role("navigation")

    # When the owner opens the scorecard settings
    navigation.get_by_role("link", name="Scorecard").click()
    expect(page.get_by_role("heading", level=1, name="Customer scorecard")).to_be_visible()
    total = page.get_by_test_id("weight-total")
    expect(total).to_have_text("Total weight: 100 of 100")
    first, third = page.get_by_role("group", name="Factor 1"), page.get_by_role("group", name="Factor 3")
    expect(first.get_by_role("textbox", name="Label (English)")).to_have_value("Revenue potential")
    assert_accessible(page, axe_source, "scorecard settings")
    screenshots.take(page, "scorecard settings")
    # And lowers the first weight: the running total follows as they type
    first.get_by_role("spinbutton", name="Weight").fill("30")
    expect(total).to_have_text("Total weight: 90 of 100 (the weights must add up to 100)")
    # Then saving shows the API's refusal under the factors, and nothing is saved
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".ant-form-item-explain-error", has_text="The weights must add up to 100.")).to_be_visible()
    screenshots.take(page, "weights refused")
    assert owner.call("GET", "/v1/sales-settings/scorecard").json()["version"] == 1

    # When they weigh revenue 50, relationship 30, strategic fit 20, and tier A from 70
    first.get_by_role("spinbutton", name="Weight").fill("50")
    third.get_by_role("spinbutton", name="Weight").fill("20")
    expect(total).to_have_text("Total weight: 100 of 100")
    page.get_by_role("spinbutton", name="Tier A from").fill("70")
    page.get_by_role("button", name="Save").click()
    # Then the settings are saved and the page follows the accounts' re-scoring to its end
    expect(page.get_by_text("Scorecard saved; accounts are being re-scored")).to_be_visible()
    rescoring = page.get_by_test_id("rescoring")
    expect(rescoring).to_contain_text("All accounts re-scored: 4 checked, 1 changed", timeout=60_000)
    screenshots.take(page, "re-scored")
    saved = owner.call("GET", "/v1/sales-settings/scorecard").json()
    assert [factor["weight"] for factor in saved["factors"]] == [50, 30, 20] and saved["tiers"]["A"] == "70", saved
    # (9/5/5 is now 45 + 15 + 10 = 70.0: tier A)
    assert owner.call("GET", f"/v1/accounts/{ids[RISING]}").json()["scorecard"] == rising | {
        "score": "70.0",
        "tier": "A",
    }

    # When the owner scores an account on its page
    page.goto(f"/accounts/{ids[SCORED_IN_BROWSER]}")
    expect(page.get_by_role("heading", level=1, name=SCORED_IN_BROWSER)).to_be_visible()
    expect(page.get_by_test_id("account-score")).to_have_text("Not scored")
    page.get_by_role("spinbutton", name="Revenue potential (50%)").fill("8")
    page.get_by_role("spinbutton", name="Relationship (30%)").fill("7.5")
    page.get_by_role("spinbutton", name="Strategic fit (20%)").fill("6")
    # Then the score it will give shows before saving: 40 + 22.5 + 12 = 74.5
    expect(page.get_by_test_id("score-preview")).to_have_text("74.5 · Tier A")
    assert_accessible(page, axe_source, "account scorecard")
    page.get_by_role("button", name="Save scores").click()
    # And after saving, the account's score and tier, as the API has them
    expect(page.get_by_test_id("account-score")).to_have_text("74.5")
    expect(page.get_by_test_id("account-tier")).to_have_text("Tier A")
    screenshots.take(page, "account scored")
    scored = owner.call("GET", f"/v1/accounts/{ids[SCORED_IN_BROWSER]}").json()["scorecard"]
    assert (scored["score"], scored["tier"], scored["scores"]["relationship"]) == ("74.5", "A", "7.5"), scored

    # When the owner orders the accounts list by score
    navigation.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", level=1, name="Accounts")).to_be_visible()
    choose(page, page.get_by_role("combobox", name="Order"), "Highest score first")
    # Then the scored accounts come highest first, with score and tier, and the unscored one is left out
    expect(page.get_by_role("row", name=re.compile(SCORED_IN_BROWSER))).to_contain_text("74.5")
    wait_for(lambda: listed_names(page) == [SCORED_IN_BROWSER, RISING, LOW], 15, "highest first")
    expect(page.get_by_role("row", name=re.compile(LOW))).to_contain_text("Tier D")
    screenshots.take(page, "accounts by score")
    assert_accessible(page, axe_source, "accounts by score")
    choose(page, page.get_by_role("combobox", name="Order"), "Lowest score first")
    wait_for(lambda: listed_names(page) == [LOW, RISING, SCORED_IN_BROWSER], 15, "lowest first")
    # And filtering by tier keeps that tier only
    choose(page, page.get_by_role("combobox", name="Filter by tier"), "Tier A")
    wait_for(lambda: sorted(listed_names(page)) == sorted([RISING, SCORED_IN_BROWSER]), 15, "tier A only")
    screenshots.take(page, "tier A")

    # When the owner sets the quotes' default tax rate
    navigation.get_by_role("link", name="Quote defaults").click()
    expect(page.get_by_role("heading", level=1, name="Quote defaults")).to_be_visible()
    expect(page.get_by_test_id("default-currency")).to_have_text("HKD")
    page.get_by_role("spinbutton", name="Default tax rate").fill("6")
    assert_accessible(page, axe_source, "quote defaults")
    page.get_by_role("button", name="Save").click()
    # Then it is saved
    expect(page.get_by_text("Quote defaults saved")).to_be_visible()
    screenshots.take(page, "quote defaults")
    assert owner.call("GET", "/v1/sales-settings/quotes").json()["default_tax_rate_percent"] == "6"

    # When the owner switches to 繁體中文
    choose(page, page.get_by_role("banner").get_by_role("combobox", name="Language"), LANGUAGE_NAMES["zh-Hant"])
    zh = ConsoleText("zh-Hant")
    wait_for(lambda: owner.call("GET", "/v1/me").json()["locale"] == "zh-Hant", 15, "the language saved")
    # Then the scorecard pages are in Chinese, the factors named in Chinese
    for path, heading in (
        ("/settings/scorecard", zh("Customer scorecard")),
        (f"/accounts/{ids[SCORED_IN_BROWSER]}", SCORED_IN_BROWSER),
        ("/settings/quotes", zh("Quote defaults")),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(page.get_by_role("main").locator(".ant-skeleton")).to_have_count(0)
        assert_no_english(page, path)
        screenshots.take(page, f"{path} zh-hant")
    page.goto(f"/accounts/{ids[SCORED_IN_BROWSER]}")
    expect(page.get_by_role("spinbutton", name="收入潛力（50%）")).to_have_value("8.0")
    expect(page.get_by_test_id("account-tier")).to_have_text(zh.at("scorecard.tierN").replace("{{tier}}", "A"))
