"""A quote's PDF over the local runtime: the presigned URL is moto's S3 on loopback, opened as a browser would."""

import io
from urllib.parse import urlparse

import requests
from pypdf import PdfReader


def test_a_quote_pdf_downloads_from_the_presigned_url_without_credentials(product):
    # Given an owner with a Chinese client, an opportunity and a quote in Simplified Chinese
    owner = product.new_tenant_owner(locale="zh-Hans")
    account = owner.call("POST", "/v1/accounts", json={"name": "深圳市前海咨询有限公司"}).json()
    opportunity = owner.call(
        "POST",
        "/v1/opportunities",
        json={
            "name": "税务咨询",
            "account_id": account["id"],
            "amount": {"amount": "30000", "currency": "CNY"},
            "expected_close_date": "2027-06-30",
        },
    ).json()
    lines = [{"description": "税务咨询", "kind": "hours", "quantity": "10", "unit_rate": "1500"}]
    quote = owner.call(
        "POST", f"/v1/opportunities/{opportunity['id']}/quotes", json={"lines": lines, "tax_rate_percent": "6"}
    ).json()
    # When the PDF is rendered and its link fetched
    # (rendering embeds a CJK font subset: allow it more than the helper's 15 s on a busy machine)
    rendered = requests.post(
        f"{product.base_url}/v1/quotes/{quote['id']}/pdf", headers=owner.authorization, timeout=120
    )
    assert rendered.status_code == 201, rendered.text
    link = owner.call("GET", f"/v1/quotes/{quote['id']}/pdf").json()
    # Then the URL points at the local S3 on loopback and opens without any header, as in a browser tab
    assert urlparse(link["url"]).hostname == "127.0.0.1"
    download = requests.get(link["url"], timeout=30)
    assert download.status_code == 200, download.text
    assert download.headers["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(download.content)).pages[0].extract_text().replace("\x00", "")
    flat = "".join(text.split())
    assert "深圳市前海咨询有限公司" in flat
    assert "报价单" in flat and "15,900.00" in flat  # 10 x 1500 + 6% VAT
