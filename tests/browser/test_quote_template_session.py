"""The quote template in the console, in Debian's Chromium against the started local runtime.

The owner fills the zh-Hant letterhead (name, address, registration, terms, footer), uploads a PNG logo
(previewed on the page), previews the PDF of the unsaved template, saves it, and a quote rendered
afterwards carries it; then the page in 繁體中文. axe-core checks the page; each step leaves a screenshot.
"""

import io
import re

import requests
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from ulid import ULID

from tests.browser.console_session import LANGUAGE_NAMES, ConsoleText, sign_in
from tests.browser.test_first_session import assert_no_english, choose
from tests.browser.test_scorecard_session import assert_accessible
from tests.running_product import RunningProduct, SignedIn, wait_for

FIRM_ON_DOCUMENTS = "陳氏聯合會計師事務所"
ADDRESS = ["香港中環皇后大道中1號", "10樓1001室"]
REGISTRATION = "商業登記號碼 87654321"
TERMS = "報價有效期內接受委託，費用於發票日起三十日內繳付。"
FOOTER = "陳氏聯合會計師事務所 客戶服務熱線"


def pdf_text(url: str) -> str:
    pdf = requests.get(url, timeout=15)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.status_code
    # pypdf yields a NUL before each character of fpdf2's CMap-encoded text (see test_quotes_api.py)
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in pages)


def is_preview_link(response) -> bool:
    return response.ok and response.url.endswith("/v1/sales-settings/quotes/preview")


def new_quote(owner: SignedIn) -> str:
    account = owner.call("POST", "/v1/accounts", json={"name": "廣州天河科技有限公司"})
    assert account.status_code == 201, account.text
    opportunity = owner.call(
        "POST",
        "/v1/opportunities",
        json={
            "account_id": account.json()["id"],
            "name": "2027 年度審計",
            "amount": {"amount": "60000", "currency": "HKD"},
            "expected_close_date": "2027-03-31",
        },
    )
    assert opportunity.status_code == 201, opportunity.text
    quote = owner.call(
        "POST",
        f"/v1/opportunities/{opportunity.json()['id']}/quotes",
        json={
            "lines": [{"description": "2027 年度審計", "kind": "hours", "quantity": "40", "unit_rate": "1500"}],
            "language": "zh-Hant",
        },
    )
    assert quote.status_code == 201, quote.text
    return quote.json()["id"]


def test_the_owner_fills_the_quote_template_previews_it_and_new_quotes_carry_it(
    page: Page, product: RunningProduct, screenshots, axe_source, tmp_path
):
    # The firm's name (in the banner) has no Latin letters, so the Chinese page can be checked for English
    owner = product.sign_in_first_time(product.sign_up(firm=f"陳氏會計師事務所 {str(ULID().milliseconds)[-6:]}").email)
    sign_in(page, owner.email, owner.password)
    # When the owner opens the quote defaults and the 繁體中文 letterhead
    page.get_by_role("navigation").get_by_role("link", name="Quote defaults").click()
    expect(page.get_by_role("heading", level=2, name="Template of the quote PDF")).to_be_visible()
    page.get_by_role("tab", name=LANGUAGE_NAMES["zh-Hant"]).click()
    letterhead = page.get_by_role("tabpanel", name=LANGUAGE_NAMES["zh-Hant"])
    letterhead.get_by_label("Firm name on documents").fill(FIRM_ON_DOCUMENTS)
    letterhead.get_by_label("Address").fill("\n".join(ADDRESS))
    letterhead.get_by_label("Registration").fill(REGISTRATION)
    letterhead.get_by_label("Terms and conditions").fill(TERMS)
    letterhead.get_by_label("Footer").fill(FOOTER)
    # And uploads a PNG logo, shown on the page
    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 100), (31, 78, 121)).save(logo, "PNG")
    page.locator("input[type=file]").set_input_files(logo)
    expect(page.get_by_role("img", name="The firm's logo")).to_be_visible()
    expect(page.get_by_role("button", name="Remove the logo")).to_be_visible()
    assert_accessible(page, axe_source, "quote template")
    screenshots.take(page, "template filled")

    # When the owner previews the unsaved template
    with page.expect_popup() as opened, page.expect_response(is_preview_link) as answered:
        page.get_by_role("button", name=re.compile(r"^Preview PDF")).click()
    opened.value.close()
    # Then the sample PDF shows the letterhead, and nothing was saved yet
    text = pdf_text(answered.value.json()["url"])
    for expected in (FIRM_ON_DOCUMENTS, *ADDRESS, REGISTRATION, TERMS, "第1頁，共1頁"):
        assert "".join(expected.split()) in text, (expected, text[:400])
    assert owner.call("GET", "/v1/sales-settings/quotes").json()["template"]["letterheads"] == {}

    # When the owner saves
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Quote defaults saved")).to_be_visible()
    screenshots.take(page, "template saved")
    # Then the template is stored, with the logo
    saved = owner.call("GET", "/v1/sales-settings/quotes").json()["template"]
    assert saved["letterheads"]["zh-Hant"]["display_name"] == FIRM_ON_DOCUMENTS
    assert saved["letterheads"]["zh-Hant"]["address_lines"] == ADDRESS and saved["logo_id"]
    # And a quote rendered now carries it
    quote_id = new_quote(owner)
    rendered = owner.call("POST", f"/v1/quotes/{quote_id}/pdf")
    assert rendered.status_code == 201, rendered.text
    text = pdf_text(rendered.json()["url"])
    for expected in (FIRM_ON_DOCUMENTS, REGISTRATION, TERMS, FOOTER, "廣州天河科技有限公司"):
        assert "".join(expected.split()) in text, (expected, text[:400])

    # When the owner switches to 繁體中文 and reloads / Then the page is in Chinese, the logo still shown
    choose(page, page.get_by_role("banner").get_by_role("combobox", name="Language"), LANGUAGE_NAMES["zh-Hant"])
    wait_for(lambda: owner.call("GET", "/v1/me").json()["locale"] == "zh-Hant", 15, "the language saved")
    zh = ConsoleText("zh-Hant")
    page.reload()
    expect(page.get_by_role("heading", level=2, name=zh("Template of the quote PDF"))).to_be_visible()
    expect(page.get_by_role("img", name=zh("The firm's logo"))).to_be_visible()
    assert_no_english(page, "quote template zh-Hant")
    screenshots.take(page, "template zh-hant")
