"""The quote template: language fallback, validation, logo checks, and the PDF it renders (fpdf2 + pypdf)."""

import datetime as dt
import io

import pytest
from PIL import Image
from pydantic import ValidationError
from pypdf import PdfReader

from servicejob.auth.permissions import Role
from servicejob.domain.quote_template import (
    LOGO_FIELD,
    LOGO_MAX_BYTES,
    Letterhead,
    QuoteTemplate,
    letterhead_for,
    logo_bytes,
    logo_object_key,
)
from servicejob.domain.quotes import QuoteDocument, QuoteSettings, QuoteSettingsInput, sample_quote
from servicejob.errors import ValidationFailed
from tests.unit.conftest import user_context

TODAY = dt.date(2026, 12, 4)
LETTERHEADS = {
    "en": Letterhead(
        display_name="Chan & Partners CPA Limited",
        address_lines=["10/F, 1 Queen's Road Central", "Hong Kong"],
        phone="+852 2345 6789",
        email="office@chan.example",
        registration="BR No. 12345678",
        terms="Fees are payable within 30 days of the invoice.",
        footer="Chan & Partners - trusted since 1988",
    ),
    "zh-Hant": Letterhead(
        display_name="陳氏會計師事務所有限公司",
        address_lines=["香港中環皇后大道中1號10樓"],
        registration="商業登記號碼 12345678",
        terms="本報價單之費用須於發票日起三十日內繳付。",
        footer="陳氏會計師事務所",
    ),
    "zh-Hans": Letterhead(
        display_name="陈氏会计师事务所",
        address_lines=["广州市天河区天河路100号"],
        registration="统一社会信用代码 91440101MA5ABCDE1X",
        terms="本报价单之费用须于发票日起三十日内支付。",
        footer="陈氏会计师事务所",
    ),
}


def png(width: int = 120, height: int = 60) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 80, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_text(pdf: bytes) -> list[str]:
    # pypdf yields a NUL before each character of fpdf2's CID text; NULs and layout spaces are dropped.
    return ["".join(page.extract_text().replace("\x00", "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def render(language: str, lines: int = 3, logo: bytes | None = None) -> bytes:
    from servicejob.documents.quote_pdf import render_quote_pdf

    quote = sample_quote(language, "HKD", TODAY)
    quote = quote.model_copy(update={"lines": (quote.lines * lines)[:lines]})
    template = QuoteTemplate(letterheads=LETTERHEADS, accent_color="#AA3300")
    document = QuoteDocument(
        "Tenant name", "Client Ltd", TODAY, letterhead_for(template, language, "en"), template.accent_color, logo
    )
    return render_quote_pdf(quote, document)


# ---- fallback and validation -----------------------------------------------------------------------------
def test_a_missing_language_falls_back_to_the_tenants_default_then_to_any_filled_one():
    english, chinese = LETTERHEADS["en"], LETTERHEADS["zh-Hant"]
    both = QuoteTemplate(letterheads={"en": english, "zh-Hant": chinese, "zh-Hans": Letterhead()})
    assert letterhead_for(both, "zh-Hant", "en") == chinese
    # An empty zh-Hans letterhead counts as missing: the tenant's default language is used
    assert letterhead_for(both, "zh-Hans", "zh-Hant") == chinese
    assert letterhead_for(both, "zh-Hans", "en") == english
    # The default language has none either: the first filled one
    only_chinese = QuoteTemplate(letterheads={"zh-Hant": chinese})
    assert letterhead_for(only_chinese, "en", "zh-Hans") == chinese
    # Nothing filled: an empty letterhead, so the PDF shows the tenant's name
    empty = letterhead_for(QuoteTemplate(), "en", "en")
    assert empty == Letterhead()
    assert QuoteDocument("Tenant name", "", TODAY, empty).firm_name == "Tenant name"


def test_settings_stored_before_templates_read_with_the_default_template():
    stored = {"default_tax_rate_percent": "6", "template": None, "version": 3, "updated_at": "t", "updated_by": "u"}
    assert QuoteSettings.model_validate(stored).template == QuoteTemplate()


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ({"accent_color": "red"}, "accent_color"),
        ({"accent_color": "#12345"}, "accent_color"),
        ({"logo_id": "../../other-tenant/x"}, "logo_id"),
        ({"letterheads": {"fr": {"display_name": "x"}}}, "letterheads"),
        ({"letterheads": {"en": {"display_name": "x" * 121}}}, "display_name"),
        ({"letterheads": {"en": {"address_lines": ["a"] * 5}}}, "address_lines"),
        ({"letterheads": {"en": {"email": "not an e-mail"}}}, "email"),
        ({"letterheads": {"en": {"terms": "t" * 4001}}}, "terms"),
        ({"letterheads": {"en": {"footer": "f" * 201}}}, "footer"),
        ({"letterheads": {"en": {"fax": "1"}}}, "fax"),
    ],
)
def test_a_bad_template_names_the_field(template, field):
    with pytest.raises(ValidationError) as raised:
        QuoteSettingsInput.model_validate({"template": template})
    locations = [".".join(str(part) for part in error["loc"]) for error in raised.value.errors()]
    assert any(field in location for location in locations), locations


class FakeFiles:
    def __init__(self, objects: dict[str, bytes]):
        self.objects = objects

    def size_and_etag(self, ctx, key):
        return (len(self.objects[key]), '"e"') if key in self.objects else None

    def read(self, ctx, key, etag):
        return self.objects[key]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No file was uploaded"),
        (b"GIF89a" + b"0" * 100, "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * LOGO_MAX_BYTES, "limit is"),
    ],
)
def test_a_missing_oversized_or_foreign_logo_is_a_422_on_the_logo_field(content, message):
    ctx = user_context(Role.ADMIN)
    logo_id = "01JEXAMPLE0000000000000000"
    files = FakeFiles({} if content is None else {logo_object_key(ctx.tenant_id, logo_id): content})
    with pytest.raises(ValidationFailed) as raised:
        logo_bytes(ctx, files, logo_id)
    [error] = raised.value.errors
    assert error.field == LOGO_FIELD and message in error.message


def test_png_and_jpeg_logos_pass():
    ctx = user_context(Role.ADMIN)
    jpeg = io.BytesIO()
    Image.new("RGB", (10, 10)).save(jpeg, "JPEG")
    for logo_id, content in (("01JEXAMPLE0000000000000001", png()), ("01JEXAMPLE0000000000000002", jpeg.getvalue())):
        files = FakeFiles({logo_object_key(ctx.tenant_id, logo_id): content})
        assert logo_bytes(ctx, files, logo_id) == content


# ---- the renderer ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "page_label", "terms_heading"),
    [
        ("en", "Page1of1", "Termsandconditions"),
        ("zh-Hant", "第1頁，共1頁", "條款及細則"),
        ("zh-Hans", "第1页，共1页", "条款及细则"),
    ],
)
def test_the_pdf_shows_the_letterhead_terms_and_footer_of_its_language(language, page_label, terms_heading):
    [text] = pdf_text(render(language))
    letterhead = LETTERHEADS[language]
    for expected in (
        letterhead.display_name,
        *letterhead.address_lines,
        letterhead.registration,
        terms_heading,
        letterhead.terms,
        letterhead.footer,
        page_label,
    ):
        assert "".join(expected.split()) in text, (expected, text)
    assert "Tenantname" not in text


def test_a_long_quote_breaks_pages_repeating_the_table_header_and_numbering_every_page():
    long_description = "Statutory audit of the consolidated financial statements " * 4
    from servicejob.documents.quote_pdf import render_quote_pdf

    quote = sample_quote("zh-Hant", "HKD", TODAY)
    wide = quote.lines[0].model_copy(update={"description": long_description.strip()})
    quote = quote.model_copy(update={"lines": [wide] * 40})
    document = QuoteDocument("Tenant", "Client", TODAY, LETTERHEADS["zh-Hant"])
    pages = pdf_text(render_quote_pdf(quote, document))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"第{number}頁，共{len(pages)}頁" in text, text[-80:]
        if "Statutory" in text:  # a page the table continues on (the last may hold only the totals)
            assert "服務內容數量單價折扣%金額(HKD)" in text, text[:200]
    assert sum("服務內容數量單價折扣%金額(HKD)" in text for text in pages) >= 3
    # The long description wraps inside its column instead of being cut off
    assert pages[0].count("consolidated") >= 4


def test_the_logo_is_embedded_as_an_image_and_a_broken_one_is_a_422():
    reader = PdfReader(io.BytesIO(render("en", logo=png())))
    resources = reader.pages[0]["/Resources"]
    images = [obj.get_object() for obj in resources["/XObject"].values()]
    assert any(image["/Subtype"] == "/Image" for image in images)
    # A file with a PNG signature but no image behind it
    with pytest.raises(ValidationFailed) as raised:
        render("en", logo=b"\x89PNG\r\n\x1a\n" + b"junk" * 10)
    assert raised.value.errors[0].field == LOGO_FIELD


def test_the_font_is_still_embedded_as_a_subset():
    pdf = render("zh-Hant")
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]).lstrip("/") for font in fonts.values()]
    # A subset font's name carries a six-letter tag (ABCDEF+Name), and the 19 MB collection is not in the file
    assert names and all(len(name.split("+")[0]) == 6 for name in names), names
    assert len(pdf) < 200_000
