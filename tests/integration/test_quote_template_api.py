"""The quote template over the whole API function on in-process moto: settings, logo upload, PDFs, preview."""

import io

import boto3
import pytest
import requests
from PIL import Image
from pypdf import PdfReader

from functions.api import wiring
from servicejob.config import get_settings
from servicejob.domain.tenants import SignupRequest
from tests.integration.test_opportunities_api import create_opportunity
from tests.integration.test_quotes_api import AUDIT_LINES, create_version

TEMPLATE = {
    "accent_color": "#AA3300",
    "letterheads": {
        "zh-Hant": {
            "display_name": "陳氏會計師事務所有限公司",
            "address_lines": ["香港中環皇后大道中1號10樓"],
            "phone": "+852 2345 6789",
            "email": "office@chan.example",
            "website": "chan.example",
            "registration": "商業登記號碼 12345678",
            "terms": "本報價單之費用須於發票日起三十日內繳付。",
            "footer": "陳氏會計師事務所",
        },
        "en": {"display_name": "Chan & Partners CPA Limited", "terms": "Payable within 30 days."},
    },
}


@pytest.fixture(name="firm")
def provisioned_firm(api):
    """The api client with a provisioned zh-Hant tenant and the documents bucket."""
    settings = get_settings()
    boto3.client("s3").create_bucket(
        Bucket=settings.documents_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region}
    )
    wiring.dependencies().tenants.save_provisioning(
        api.tenant_id,
        SignupRequest(
            name="香港會計師事務所有限公司",
            owner_email="owner@template.example",
            owner_name="陳大文",
            time_zone="Asia/Hong_Kong",
            base_currency="HKD",
            locale="zh-Hant",
        ),
        "system:test",
    )
    return api


def pdf_text(url: str) -> str:
    download = requests.get(url, timeout=30)
    assert download.status_code == 200
    # pypdf yields a NUL before each character of fpdf2's CID text; NULs and layout spaces are dropped.
    pages = PdfReader(io.BytesIO(download.content)).pages
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in pages)


def save_template(api, template: dict, etag: str) -> tuple[int, dict, dict]:
    return api.call(
        "PUT",
        "/v1/sales-settings/quotes",
        {"default_tax_rate_percent": "0", "template": template},
        headers={"If-Match": etag},
    )


def uploaded_logo(api, content: bytes) -> str:
    status, _, upload = api.call("POST", "/v1/sales-settings/quotes/logo")
    assert status == 201, upload
    assert f"{api.tenant_id}/quote-logos/{upload['logo_id']}" in upload["url"]
    assert requests.put(upload["url"], data=content, timeout=10).status_code == 200
    return upload["logo_id"]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 80), (170, 51, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_template_round_trips_and_bad_fields_are_named(firm):
    # Given the settings as first read: an empty template with the default colour
    status, headers, first = firm.call("GET", "/v1/sales-settings/quotes")
    assert status == 200 and first["template"] == {"letterheads": {}, "accent_color": "#1F4E79", "logo_id": None}
    # When a bad colour and an over-long name are saved / Then 422 naming both, nothing changed
    bad = {**TEMPLATE, "accent_color": "orange", "letterheads": {"en": {"display_name": "x" * 121}}}
    status, _, problem = save_template(firm, bad, headers["ETag"])
    assert status == 422, problem
    assert {e["field"] for e in problem["errors"]} == {
        "template.accent_color",
        "template.letterheads.en.display_name",
    }, problem
    assert firm.call("GET", "/v1/sales-settings/quotes")[1]["ETag"] == headers["ETag"]
    # Staff may not change it
    assert (
        firm.call(
            "PUT",
            "/v1/sales-settings/quotes",
            {"template": TEMPLATE},
            role="staff",
            headers={"If-Match": headers["ETag"]},
        )[0]
        == 403
    )
    # When an admin saves the template / Then it reads back as saved
    status, headers, saved = save_template(firm, TEMPLATE, headers["ETag"])
    assert status == 200, saved
    status, _, read = firm.call("GET", "/v1/sales-settings/quotes")
    assert read["template"]["letterheads"]["zh-Hant"] == TEMPLATE["letterheads"]["zh-Hant"]
    assert read["template"]["accent_color"] == "#AA3300" and read["logo_url"] is None


def test_a_logo_is_uploaded_checked_and_shown_and_a_bad_one_is_a_422(firm):
    etag = firm.call("GET", "/v1/sales-settings/quotes")[1]["ETag"]
    # A logo id whose file was never uploaded
    never_uploaded = firm.call("POST", "/v1/sales-settings/quotes/logo")[2]["logo_id"]
    status, _, problem = save_template(firm, {**TEMPLATE, "logo_id": never_uploaded}, etag)
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["template.logo_id"], problem
    # A GIF is refused even though the upload itself succeeded
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    status, _, problem = save_template(firm, {**TEMPLATE, "logo_id": uploaded_logo(firm, gif.getvalue())}, etag)
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["template.logo_id"], problem
    assert "PNG or JPEG" in problem["errors"][0]["message"]
    # A PNG is saved, and the settings answer a short-lived link to show it
    logo_id = uploaded_logo(firm, png())
    status, headers, saved = save_template(firm, {**TEMPLATE, "logo_id": logo_id}, etag)
    assert status == 200 and saved["template"]["logo_id"] == logo_id, saved
    shown = requests.get(firm.call("GET", "/v1/sales-settings/quotes")[2]["logo_url"], timeout=10)
    assert shown.status_code == 200 and shown.content == png()
    # When the object is overwritten with junk through the same URL / Then rendering is a 422, not a 500
    key = f"{firm.tenant_id}/quote-logos/{logo_id}"
    boto3.client("s3").put_object(Bucket=get_settings().documents_bucket, Key=key, Body=b"\x89PNG\r\n\x1a\nbroken")
    opportunity = create_opportunity(firm, firm.call("POST", "/v1/accounts", {"name": "客戶甲"})[2]["id"])[0]
    quote = create_version(firm, opportunity["id"], {"lines": AUDIT_LINES, "language": "zh-Hant"})[2]
    status, _, problem = firm.call("POST", f"/v1/quotes/{quote['id']}/pdf")
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["template.logo_id"], problem
    # And another tenant cannot name this tenant's logo: its own key has no such file
    other = firm.new_tenant()
    other_etag = firm.call("GET", "/v1/sales-settings/quotes", tenant=other)[1]["ETag"]
    status, _, problem = firm.call(
        "PUT",
        "/v1/sales-settings/quotes",
        {"template": {"logo_id": logo_id}},
        tenant=other,
        headers={"If-Match": other_etag},
    )
    assert status == 422 and problem["errors"][0]["field"] == "template.logo_id"


def test_a_new_pdf_uses_the_template_and_a_rendered_one_stays_as_it_was(firm):
    # Given a template with a logo and a zh-Hant quote
    etag = firm.call("GET", "/v1/sales-settings/quotes")[1]["ETag"]
    status, headers, _ = save_template(firm, {**TEMPLATE, "logo_id": uploaded_logo(firm, png())}, etag)
    assert status == 200
    account = firm.call("POST", "/v1/accounts", {"name": "廣州天河科技有限公司"})[2]
    opportunity = create_opportunity(firm, account["id"])[0]
    quote = create_version(firm, opportunity["id"], {"lines": AUDIT_LINES, "language": "zh-Hant"})[2]
    # When it is rendered / Then the PDF carries the letterhead, terms, footer and page number, and the logo
    status, _, link = firm.call("POST", f"/v1/quotes/{quote['id']}/pdf")
    assert status == 201, link
    text = pdf_text(link["url"])
    for expected in (
        "陳氏會計師事務所有限公司",
        "香港中環皇后大道中1號10樓",
        "商業登記號碼12345678",
        "條款及細則",
        "本報價單之費用須於發票日起三十日內繳付。",
        "第1頁，共1頁",
        "廣州天河科技有限公司",
    ):
        assert expected in text, (expected, text)
    assert "香港會計師事務所有限公司" not in text  # the template's display name replaces the tenant's name
    first_pdf = requests.get(link["url"], timeout=10).content
    reader = PdfReader(io.BytesIO(first_pdf))
    assert any(x.get_object()["/Subtype"] == "/Image" for x in reader.pages[0]["/Resources"]["/XObject"].values())
    # When the template changes and the same version is rendered again / Then the stored PDF is unchanged
    renamed = {**TEMPLATE, "letterheads": {"zh-Hant": {"display_name": "陳氏聯合會計師行", "terms": "新條款"}}}
    assert save_template(firm, renamed, headers["ETag"])[0] == 200
    status, _, again = firm.call("POST", f"/v1/quotes/{quote['id']}/pdf")
    assert status == 201 and again["quote_version"] == link["quote_version"]
    assert requests.get(again["url"], timeout=10).content == first_pdf
    # And a new version renders with the new template
    newer = create_version(firm, opportunity["id"], {})[2]
    text = pdf_text(firm.call("POST", f"/v1/quotes/{newer['id']}/pdf")[2]["url"])
    assert "陳氏聯合會計師行" in text and "新條款" in text and "陳氏會計師事務所有限公司" not in text


def test_a_preview_renders_the_posted_template_and_saves_nothing(firm):
    before = firm.call("GET", "/v1/sales-settings/quotes")
    # When an admin previews an unsaved English template
    status, _, link = firm.call("POST", "/v1/sales-settings/quotes/preview", {"template": TEMPLATE, "language": "en"})
    # Then a sample quote PDF shows it
    assert status == 200, link
    text = pdf_text(link["url"])
    assert "Chan&PartnersCPALimited" in text and "Payablewithin30days." in text and "Page1of1" in text
    # And the settings are as they were
    after = firm.call("GET", "/v1/sales-settings/quotes")
    assert after[1]["ETag"] == before[1]["ETag"] and after[2]["template"] == before[2]["template"]
    # A bad template is 422 naming the field; staff may not preview
    status, _, problem = firm.call(
        "POST", "/v1/sales-settings/quotes/preview", {"template": {"accent_color": "#GGGGGG"}}
    )
    assert status == 422 and problem["errors"][0]["field"] == "template.accent_color"
    assert firm.call("POST", "/v1/sales-settings/quotes/preview", {"template": {}}, role="staff")[0] == 403
