"""A firm's sales reports in the console, in Debian's Chromium against the started local runtime.

Opportunities (won, lost with a reason, open) and leads (two branches and none, one converted) are
written through the API; once the events function has rolled them up, each report page shows the same
figures in its tables as the API computes, draws its charts, and downloads them as CSV. Then the same
pages in 简体中文. Each page leaves a screenshot under test-artifacts/browser/<test>/.
"""

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from ulid import ULID

from tests.browser.console_session import LANGUAGE_NAMES, ConsoleText, sign_in
from tests.browser.test_first_session import assert_no_english, choose
from tests.running_product import RunningProduct, SignedIn, wait_for

CENTRAL, KOWLOON = "中環", "九龍"
LOST_REASON = "價格太高"


def _created(owner: SignedIn, path: str, body: dict) -> dict:
    response = owner.call("POST", path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _move(owner: SignedIn, opportunity: dict, *stages: str) -> dict:
    for stage in stages:
        body = {"stage": stage} | ({"lost_reason": LOST_REASON} if stage == "lost" else {})
        response = owner.call(
            "POST",
            f"/v1/opportunities/{opportunity['id']}/stage",
            json=body,
            headers={"If-Match": f'"{opportunity["version"]}"'},
        )
        assert response.status_code == 200, response.text
        opportunity = response.json()
    return opportunity


def _seed(owner: SignedIn) -> None:
    """Three opportunities (won in 中環, lost in 九龍 with a reason, open) and three leads, one converted."""
    central = _created(owner, "/v1/accounts", {"name": "中環客戶有限公司", "branch": CENTRAL})
    kowloon = _created(owner, "/v1/accounts", {"name": "九龍貿易有限公司", "branch": KOWLOON})

    def opportunity(account: dict, amount: str, line: str) -> dict:
        body = {"name": "年度審計", "account_id": account["id"], "business_line": line}
        body |= {"amount": {"amount": amount, "currency": "HKD"}, "expected_close_date": "2027-06-30"}
        return _created(owner, "/v1/opportunities", body)

    _move(owner, opportunity(central, "100000", "審計"), "qualified", "proposal", "won")
    _move(owner, opportunity(kowloon, "5000", "稅務"), "qualified", "lost")
    opportunity(central, "3000.50", "審計")
    converted = _created(owner, "/v1/leads", {"company_name": "新界物流有限公司", "region": "香港", "branch": CENTRAL})
    _created(owner, "/v1/leads", {"company_name": "荃灣製衣有限公司", "region": "香港", "branch": KOWLOON})
    _created(owner, "/v1/leads", {"company_name": "深圳科技有限公司", "region": "深圳"})
    conversion = {
        "account": {"account_id": central["id"]},
        "opportunity": {"name": "稅務顧問", "amount": {"amount": "12000", "currency": "HKD"}},
    }
    conversion["opportunity"]["expected_close_date"] = "2027-03-31"
    assert owner.call("POST", f"/v1/leads/{converted['id']}/convert", json=conversion).status_code == 201


def _rolled_up(owner: SignedIn) -> bool:
    funnel = owner.call("GET", "/v1/reports/funnel").json()
    branches = owner.call("GET", "/v1/reports/branches").json()
    conversion = owner.call("GET", "/v1/reports/lead-conversion").json()
    stages = {stage["key"]: stage for stage in funnel.get("stages", [])}
    return (
        funnel.get("opportunities") == 4
        and stages["won"]["count"] == 1
        and stages["lost"]["count"] == 1
        and sum(row["current"]["new_leads"] for row in branches.get("branches", [])) == 3
        and sum(row["converted"] for row in conversion.get("by_region", [])) == 1
    )


def _rows(page: Page, test_id: str) -> list[list[str]]:
    """The body rows of a report table, cell by cell, as shown."""
    body = page.get_by_test_id(test_id).locator("tbody tr")
    return [row.locator("td").all_inner_texts() for row in body.all()]


def _chart_drawn(page: Page, test_id: str) -> None:
    chart = page.get_by_test_id(test_id)
    expect(chart.locator("svg").first).to_be_visible()
    expect(chart.locator("svg path").first).to_be_attached()


def _download(page: Page, button: str) -> tuple[str, list[str]]:
    with page.expect_download() as started:
        page.get_by_role("button", name=button).click()
    download = started.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with a BOM for spreadsheet programs"
    return download.suggested_filename, text.lstrip("\ufeff").splitlines()


def test_report_pages_show_the_rolled_up_figures_as_charts_tables_and_csv(
    page: Page, product: RunningProduct, screenshots
):
    # Given a firm's opportunities and leads, rolled up by the events function
    firm = f"陳氏會計師事務所 {str(ULID().milliseconds)[-6:]}"  # no Latin letters: the Chinese UI shows it
    owner = product.sign_in_first_time(product.sign_up(firm=firm).email)
    owner_name = owner.call("GET", "/v1/me").json()["user"]["name"]
    _seed(owner)
    wait_for(lambda: _rolled_up(owner), 60, "the reports to show the seeded records")
    this_month = owner.call("GET", "/v1/reports/funnel").json()["to"]
    sign_in(page, owner.email, owner.password)
    navigation = page.get_by_role("navigation")

    # When the owner opens the funnel report
    navigation.get_by_role("link", name="Funnel").click()
    expect(page.get_by_role("heading", level=1, name="Funnel by stage")).to_be_visible()
    # Then its tables hold the API's figures: counts, amounts, reached, conversion, losses by stage and reason
    expect(page.get_by_test_id("funnel-total")).to_have_text("Opportunities created in the period: 4.")
    expect(page.get_by_test_id("funnel-stages-table").locator("tbody tr")).to_have_count(6)
    assert _rows(page, "funnel-stages-table") == [
        ["Lead in", "2", "HK$15,000.50", "4", "50%", "0"],
        ["Qualified", "0", "—", "2", "50%", "1"],
        ["Proposal", "0", "—", "1", "0%", "0"],
        ["Negotiation", "0", "—", "0", "—", "0"],
        ["Won", "1", "HK$100,000.00", "1", "—", "0"],
        ["Lost", "1", "HK$5,000.00", "1", "—", "0"],
    ]
    assert _rows(page, "funnel-reasons-table") == [[LOST_REASON, "1"]]
    # And both charts are drawn
    _chart_drawn(page, "funnel-stages-chart")
    _chart_drawn(page, "funnel-reasons-chart")
    screenshots.take(page, "funnel")
    # And the CSV download holds the same figures
    filename, lines = _download(page, "Download CSV")
    assert re.fullmatch(rf"funnel-\d{{4}}-\d{{2}}-{this_month}\.csv", filename), filename
    assert lines[0] == "section,key,name,kind,count,amounts,reached,conversion_to_next,lost_here"
    assert "stage,won,Won,won,1,100000.00 HKD,1,,0" in lines
    assert f"lost_reason,{LOST_REASON},,,1,,,," in lines

    # When the owner opens lead conversion by region
    navigation.get_by_role("link", name="Lead conversion").click()
    expect(page.get_by_role("heading", level=1, name="Lead conversion by region")).to_be_visible()
    expect(page.get_by_test_id("conversion-regions-table").locator("tbody tr")).to_have_count(2)
    # Then the regions' leads, conversions and rates match the API's
    assert _rows(page, "conversion-regions-table") == [["香港", "2", "1", "50%"], ["深圳", "1", "0", "0%"]]
    assert _rows(page, "conversion-months-table") == [
        [this_month, "深圳", "1", "0", "0%"],
        [this_month, "香港", "2", "1", "50%"],
    ]
    _chart_drawn(page, "conversion-regions-chart")
    _chart_drawn(page, "conversion-months-chart")
    screenshots.take(page, "lead conversion")
    filename, lines = _download(page, "Download CSV")
    assert filename.startswith("lead-conversion-") and "total,香港,2,1,0.5" in lines

    # When the owner opens the sales cycle
    navigation.get_by_role("link", name="Sales cycle").click()
    expect(page.get_by_role("heading", level=1, name="Sales cycle")).to_be_visible()
    expect(page.get_by_test_id("cycle-owners-table").locator("tbody tr")).to_have_count(1)
    # Then the one won opportunity is counted by business line and by its owner, by name
    assert _rows(page, "cycle-lines-table") == [["審計", "1", "0"]]
    expect(page.get_by_test_id("cycle-owners-table").locator("tbody tr td").first).to_have_text(owner_name)
    assert _rows(page, "cycle-owners-table") == [[owner_name, "1", "0"]]
    _chart_drawn(page, "cycle-lines-chart")
    screenshots.take(page, "sales cycle")
    filename, lines = _download(page, "Download CSV")
    assert filename.startswith("sales-cycle-") and "business_line,審計,1,0.0" in lines

    # When the owner opens the branch comparison
    navigation.get_by_role("link", name="Branches").click()
    expect(page.get_by_role("heading", level=1, name="Branch comparison")).to_be_visible()
    expect(page.get_by_test_id("branches-won-table").locator("tbody tr")).to_have_count(3)
    # Then each branch's won and new leads sit beside the same months a year earlier (most won first)
    assert _rows(page, "branches-won-table") == [
        [CENTRAL, "1", "HK$100,000.00", "0", "—"],
        ["No branch", "0", "—", "0", "—"],
        [KOWLOON, "0", "—", "0", "—"],
    ]
    assert _rows(page, "branches-leads-table") == [[CENTRAL, "1", "0"], ["No branch", "1", "0"], [KOWLOON, "1", "0"]]
    _chart_drawn(page, "branches-won-chart")
    _chart_drawn(page, "branches-leads-chart")
    screenshots.take(page, "branches")
    filename, lines = _download(page, "Download CSV")
    assert filename.startswith("branches-") and f"{CENTRAL},1,100000.00 HKD,1,0,,0" in lines

    # When the owner narrows the branch comparison to one branch through the filter
    choose(page, page.get_by_role("combobox", name="Filter by"), "Branch")
    page.get_by_role("textbox", name="Branch").fill(KOWLOON)
    page.get_by_role("button", name="Show").click()
    # Then only that branch's records count, and the address keeps the filter
    expect(page.get_by_test_id("branches-won-table").locator("tbody tr")).to_have_count(1)
    assert _rows(page, "branches-leads-table") == [[KOWLOON, "1", "0"]]
    assert "by=branch" in page.url
    screenshots.take(page, "branches filtered")

    # When the owner switches the language to 简体中文
    choose(page, page.get_by_role("banner").get_by_role("combobox", name="Language"), LANGUAGE_NAMES["zh-Hans"])
    zh = ConsoleText("zh-Hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    wait_for(lambda: owner.call("GET", "/v1/me").json()["locale"] == "zh-Hans", 15, "the language saved")
    # Then every report page is in Chinese, its figures still shown
    for path, heading, table in (
        ("/reports/funnel", "Funnel by stage", "funnel-stages-table"),
        ("/reports/lead-conversion", "Lead conversion by region", "conversion-regions-table"),
        ("/reports/sales-cycle", "Sales cycle", "cycle-lines-table"),
        ("/reports/branches", "Branch comparison", "branches-won-table"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=zh(heading))).to_be_visible()
        expect(page.get_by_test_id(table).locator("tbody tr").first).to_be_visible()
        expect(page.get_by_role("main").locator(".ant-skeleton")).to_have_count(0)
        assert_no_english(page, path)
        screenshots.take(page, f"{path} zh-hans")
    expect(page.get_by_test_id("branches-won-table")).to_contain_text("未设分所")
