"""Quotes over the whole API function on in-process moto: versions, totals, read-only older versions."""

import io
from urllib.parse import parse_qs, urlparse

import boto3
import requests
from pypdf import PdfReader

from functions.api import wiring
from servicejob.config import get_settings
from servicejob.domain.tenants import SignupRequest
from tests.integration.test_opportunities_api import create_account, create_opportunity

AUDIT_LINES = [
    {
        "description": "2026 年度審計",
        "kind": "hours",
        "quantity": "12.5",
        "unit_rate": "1800",
        "discount_percent": "10",
    },
    {"description": "稅務申報", "kind": "quantity", "quantity": "1", "unit_rate": "5000.55"},
]


def new_opportunity(api, currency="HKD"):
    account = create_account(api)
    opportunity, _ = create_opportunity(api, account["id"], amount={"amount": "50000", "currency": currency})
    return opportunity


def create_version(api, opportunity_id, body, **kwargs):
    return api.call("POST", f"/v1/opportunities/{opportunity_id}/quotes", body, **kwargs)


def test_first_version_is_priced_numbered_and_listed(api):
    # Given an opportunity in HKD
    opportunity = new_opportunity(api)
    # When a first quote is created with two lines and no tax
    status, headers, quote = create_version(api, opportunity["id"], {"lines": AUDIT_LINES, "notes": "首次報價"})
    # Then it is version 1, a draft in the opportunity's currency, numbered Q-{year}-0001
    assert status == 201, quote
    assert headers["ETag"] == '"1"'
    assert headers["Location"] == f"/v1/quotes/{quote['id']}"
    assert (quote["revision"], quote["status"], quote["currency"]) == (1, "draft", "HKD")
    assert quote["number"].startswith("Q-") and quote["number"].endswith("-0001")
    assert quote["account_id"] == opportunity["account_id"]
    # And the totals follow the documented steps: 12.5 x 1800 = 22500, 10% off 2250; 5000.55
    assert [line["amount"] for line in quote["lines"]] == ["22500.00", "5000.55"]
    assert [line["discount"] for line in quote["lines"]] == ["2250.00", "0.00"]
    assert quote["subtotal"] == {"amount": "27500.55", "currency": "HKD"}
    assert quote["discount"]["amount"] == "2250.00"
    assert quote["tax"]["amount"] == "0.00"
    assert quote["total"]["amount"] == "25250.55"
    # And it is listed under the opportunity and readable by id
    listed = api.call("GET", f"/v1/opportunities/{opportunity['id']}/quotes")[2]
    assert [item["id"] for item in listed["items"]] == [quote["id"]]
    assert api.call("GET", f"/v1/quotes/{quote['id']}")[2]["total"] == quote["total"]


def test_a_new_version_copies_the_lines_and_makes_the_previous_read_only(api):
    # Given version 1 of a quote in CNY
    opportunity = new_opportunity(api, currency="CNY")
    first = create_version(api, opportunity["id"], {"lines": AUDIT_LINES})[2]
    # When the next negotiation round adds 6% VAT and keeps the lines
    status, _, second = create_version(api, opportunity["id"], {"tax_rate_percent": "6"})
    # Then version 2 shares the number, copies the lines and taxes the discounted subtotal (25250.55 x 6%)
    assert status == 201, second
    assert (second["revision"], second["number"]) == (2, first["number"])
    assert [line["description"] for line in second["lines"]] == ["2026 年度審計", "稅務申報"]
    assert second["tax"] == {"amount": "1515.03", "currency": "CNY"}
    assert second["total"]["amount"] == "26765.58"
    # And version 1 now names its successor and is read-only: a write answers 409
    old = api.call("GET", f"/v1/quotes/{first['id']}")
    assert old[2]["superseded_by"] == second["id"]
    status, _, problem = api.call(
        "PATCH", f"/v1/quotes/{first['id']}", {"notes": "改"}, headers={"If-Match": old[1]["ETag"]}
    )
    assert status == 409, problem
    assert problem["type"].endswith("/conflict")
    # And the list shows both versions in order
    listed = api.call("GET", f"/v1/opportunities/{opportunity['id']}/quotes")[2]["items"]
    assert [item["revision"] for item in listed] == [1, 2]


def test_a_draft_changes_with_if_match_and_a_sent_quote_takes_only_its_decision(api):
    opportunity = new_opportunity(api)
    quote = create_version(api, opportunity["id"], {"lines": AUDIT_LINES[1:]})[2]
    # When the draft's lines are replaced with If-Match
    lines = [{"description": "顧問", "kind": "hours", "quantity": "3", "unit_rate": "1000.005"}]
    status, _, problem = api.call("PATCH", f"/v1/quotes/{quote['id']}", {"lines": lines}, headers={"If-Match": '"1"'})
    # Then a rate with more decimals than HKD has is refused, naming the line's field
    assert status == 422, problem
    assert [error["field"] for error in problem["errors"]] == ["lines[0].unit_rate"]
    lines[0]["unit_rate"] = "1000"
    status, headers, changed = api.call(
        "PATCH", f"/v1/quotes/{quote['id']}", {"lines": lines}, headers={"If-Match": '"1"'}
    )
    assert status == 200, changed
    assert changed["total"]["amount"] == "3000.00"
    # And a stale If-Match is refused
    stale = api.call("PATCH", f"/v1/quotes/{quote['id']}", {"notes": "x"}, headers={"If-Match": '"1"'})
    assert stale[0] == 412
    # When it is sent, its content can no longer change, only its decision
    sent = api.call("PATCH", f"/v1/quotes/{quote['id']}", {"status": "sent"}, headers={"If-Match": headers["ETag"]})
    assert sent[0] == 200
    assert (
        api.call("PATCH", f"/v1/quotes/{quote['id']}", {"notes": "x"}, headers={"If-Match": sent[1]["ETag"]})[0] == 409
    )
    accepted = api.call(
        "PATCH", f"/v1/quotes/{quote['id']}", {"status": "accepted"}, headers={"If-Match": sent[1]["ETag"]}
    )
    assert accepted[2]["status"] == "accepted"
    # And an accepted quote takes no further version
    assert create_version(api, opportunity["id"], {})[0] == 409


def test_first_version_needs_lines_and_a_known_opportunity(api):
    opportunity = new_opportunity(api)
    status, _, problem = create_version(api, opportunity["id"], {})
    assert status == 422
    assert problem["errors"][0]["field"] == "lines"
    assert create_version(api, "01J0000000000000000000000Z", {"lines": AUDIT_LINES})[0] == 404
    bad = {"lines": [{**AUDIT_LINES[0], "quantity": 1.5}], "tax_rate_percent": "101"}
    status, _, problem = create_version(api, opportunity["id"], bad)
    assert status == 422
    assert {error["field"] for error in problem["errors"]} == {"lines[0].quantity", "tax_rate_percent"}


def test_idempotent_create_and_permissions(api):
    opportunity = new_opportunity(api)
    key = {"Idempotency-Key": "quote-round-1"}
    first = create_version(api, opportunity["id"], {"lines": AUDIT_LINES}, headers=key)
    again = create_version(api, opportunity["id"], {"lines": AUDIT_LINES}, headers=key)
    assert first[0] == again[0] == 201
    assert first[2]["id"] == again[2]["id"]
    assert len(api.call("GET", f"/v1/opportunities/{opportunity['id']}/quotes")[2]["items"]) == 1
    # Staff may read quotes but not write them
    assert api.call("GET", f"/v1/quotes/{first[2]['id']}", role="staff")[0] == 200
    assert create_version(api, opportunity["id"], {}, role="staff")[0] == 403


def test_the_pdf_is_rendered_stored_under_the_tenant_and_downloaded_through_a_short_lived_url(api):
    # Given a tenant, a Chinese account and a quote in Traditional Chinese
    settings = get_settings()
    boto3.client("s3").create_bucket(
        Bucket=settings.documents_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region}
    )
    deps = wiring.dependencies()
    deps.tenants.save_provisioning(
        api.tenant_id,
        SignupRequest(
            name="香港會計師事務所有限公司",
            owner_email="owner@pdf.example",
            owner_name="陳大文",
            time_zone="Asia/Hong_Kong",
            base_currency="HKD",
            locale="zh-Hant",
        ),
        "system:test",
    )
    status, _, account = api.call("POST", "/v1/accounts", {"name": "廣州天河科技有限公司"})
    assert status == 201, account
    opportunity, _ = create_opportunity(api, account["id"])
    quote = create_version(api, opportunity["id"], {"lines": AUDIT_LINES, "language": "zh-Hant"})[2]
    # Before rendering there is nothing to download
    assert api.call("GET", f"/v1/quotes/{quote['id']}/pdf")[0] == 404
    # When the PDF is rendered
    status, _, link = api.call("POST", f"/v1/quotes/{quote['id']}/pdf")
    # Then it is stored under the tenant's prefix and a 5-minute presigned URL answers
    assert status == 201, link
    keys = [
        item["Key"] for item in boto3.client("s3").list_objects_v2(Bucket=get_settings().documents_bucket)["Contents"]
    ]
    assert keys == [f"{api.tenant_id}/quotes/{quote['id']}/1.pdf"]
    query = parse_qs(urlparse(link["url"]).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert link["quote_version"] == 1
    # And GET answers a link to the same object
    status, _, again = api.call("GET", f"/v1/quotes/{quote['id']}/pdf")
    assert status == 200, again
    assert urlparse(again["url"]).path == urlparse(link["url"]).path
    # And the downloaded PDF's text names the firm, the client in Chinese, the number and the total
    download = requests.get(again["url"], timeout=30)
    assert download.status_code == 200
    # pypdf reads fpdf2's embedded CMap encoding as one byte per code and yields a NUL before each character
    # (poppler's pdftotext reads the same file cleanly), so NULs and layout spaces are dropped before comparing.
    extracted = PdfReader(io.BytesIO(download.content)).pages[0].extract_text()
    text = "".join(extracted.replace("\x00", "").split())
    for expected in (
        "香港會計師事務所有限公司",
        "廣州天河科技有限公司",
        "報價單",
        quote["number"],
        "25,250.55",
        "2026年度審計",
    ):
        assert expected in text, (expected, text)
    # And another tenant's id answers 404
    assert api.call("GET", f"/v1/quotes/{quote['id']}/pdf", tenant=api.new_tenant())[0] == 404


def test_the_tenants_default_tax_rate_prices_a_first_version_that_gives_none(api):
    # Given the quote defaults as first read: no tax
    status, headers, defaults = api.call("GET", "/v1/sales-settings/quotes")
    assert status == 200 and defaults["default_tax_rate_percent"] == "0" and headers["ETag"] == '"1"'
    # When staff try to change them / Then 403; a bad rate is 422 naming the field, nothing changed
    assert (
        api.call(
            "PUT",
            "/v1/sales-settings/quotes",
            {"default_tax_rate_percent": "6"},
            role="staff",
            headers={"If-Match": '"1"'},
        )[0]
        == 403
    )
    status, _, problem = api.call(
        "PUT", "/v1/sales-settings/quotes", {"default_tax_rate_percent": "101"}, headers={"If-Match": '"1"'}
    )
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["default_tax_rate_percent"], problem
    # When an admin sets 6 % (PRC VAT on services)
    status, headers, saved = api.call(
        "PUT", "/v1/sales-settings/quotes", {"default_tax_rate_percent": "6"}, headers={"If-Match": '"1"'}
    )
    assert status == 200 and saved["default_tax_rate_percent"] == "6" and headers["ETag"] == '"2"', saved
    # Then a first version without a rate is taxed at 6 %, one with a rate keeps its own
    status, _, taxed = create_version(api, new_opportunity(api)["id"], {"lines": AUDIT_LINES[1:]})
    assert status == 201 and taxed["tax_rate_percent"] == "6" and taxed["tax"]["amount"] == "300.03", taxed
    status, _, untaxed = create_version(
        api, new_opportunity(api)["id"], {"lines": AUDIT_LINES, "tax_rate_percent": "0"}
    )
    assert status == 201 and untaxed["tax_rate_percent"] == "0"
    # And a stale If-Match is 412
    stale = api.call("PUT", "/v1/sales-settings/quotes", {"default_tax_rate_percent": "0"}, headers={"If-Match": '"1"'})
    assert stale[0] == 412
