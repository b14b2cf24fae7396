"""A quote as a PDF (fpdf2), in the quote's language: en, zh-Hant or zh-Hans.

The font is Noto Sans CJK Regular (SIL Open Font License 1.1) from the PyPI package `noto-cjk-sans-otc`,
one OpenType collection whose faces all cover Latin, Traditional and Simplified Chinese; the face is
chosen for the regional glyph forms (TC for en and zh-Hant, SC for zh-Hans). fpdf2 embeds only the glyphs
used (a subset), so a PDF stays small. Chinese needs no complex shaping, so text shaping stays off.
"""

import io
from decimal import Decimal
from importlib import resources

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from servicejob.domain.quote_template import bad_logo
from servicejob.domain.quotes import LineKind, Quote, QuoteDocument

FONT_PACKAGE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
# Face numbers inside NotoSansCJK-Regular.ttc (checked by a unit test against the faces' names).
FONT_FACES = {"en": 3, "zh-Hant": 3, "zh-Hans": 2}
FONT_FAMILY = "NotoSansCJK"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Quotation",
        "number": "Quote no.",
        "revision": "Version",
        "date": "Date",
        "valid_until": "Valid until",
        "client": "Client",
        "description": "Description",
        "quantity": "Quantity",
        "unit_rate": "Unit rate",
        "discount_percent": "Disc. %",
        "amount": "Amount",
        "subtotal": "Subtotal",
        "discount": "Discount",
        "tax": "Tax ({rate}%)",
        "total": "Total",
        "notes": "Notes",
        "terms": "Terms and conditions",
        "page": "Page {page} of {pages}",
        "hours": "h",
        "units": "",
    },
    "zh-Hant": {
        "title": "報價單",
        "number": "報價編號",
        "revision": "版本",
        "date": "日期",
        "valid_until": "有效期至",
        "client": "客戶",
        "description": "服務內容",
        "quantity": "數量",
        "unit_rate": "單價",
        "discount_percent": "折扣 %",
        "amount": "金額",
        "subtotal": "小計",
        "discount": "折扣",
        "tax": "稅項 ({rate}%)",
        "total": "總計",
        "notes": "備註",
        "terms": "條款及細則",
        "page": "第 {page} 頁，共 {pages} 頁",
        "hours": "小時",
        "units": "",
    },
    "zh-Hans": {
        "title": "报价单",
        "number": "报价编号",
        "revision": "版本",
        "date": "日期",
        "valid_until": "有效期至",
        "client": "客户",
        "description": "服务内容",
        "quantity": "数量",
        "unit_rate": "单价",
        "discount_percent": "折扣 %",
        "amount": "金额",
        "subtotal": "小计",
        "discount": "折扣",
        "tax": "税项 ({rate}%)",
        "total": "总计",
        "notes": "备注",
        "terms": "条款及细则",
        "page": "第 {page} 页，共 {pages} 页",
        "hours": "小时",
        "units": "",
    },
}

# Column widths in mm on A4 with 15 mm margins (180 mm usable).
LOGO_HEIGHT = 20
LOGO_WIDTH = 40
_COLUMNS = (("description", 72), ("quantity", 24), ("unit_rate", 30), ("discount_percent", 20), ("amount", 34))


def font_path() -> str:
    return str(resources.files(FONT_PACKAGE) / FONT_FILE)


def _money(amount: Decimal) -> str:
    return f"{amount:,}"


def _quantity(value: Decimal, kind: LineKind, labels: dict[str, str]) -> str:
    unit = labels["hours"] if kind is LineKind.HOURS else labels["units"]
    return f"{value.normalize():f} {unit}".strip()


class _QuotePdf(FPDF):
    """A4 with the template's footer line and "Page n of N" at the foot of every page."""

    def __init__(self, footer_text: str, page_label: str):
        super().__init__(format="A4")
        self._footer_text = footer_text
        self._page_label = page_label

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(110, 110, 110)
        if self._footer_text:
            self.cell(130, 5, self._footer_text)
        # fpdf2 replaces the alias with the page count when the document is closed.
        label = self._page_label.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.set_x(-15 - 50)
        self.cell(50, 5, label, align="R")
        self.set_text_color(0, 0, 0)


def _logo(pdf: FPDF, logo: bytes) -> None:
    """Fits the logo top-left into the LOGO box, keeping its proportions. An unreadable image is a 422."""
    try:
        pdf.image(io.BytesIO(logo), x=15, y=15, w=LOGO_WIDTH, h=LOGO_HEIGHT, keep_aspect_ratio=True)
    except Exception as error:  # noqa: BLE001 - Pillow and fpdf2 raise many types for a broken image
        raise bad_logo(f"The logo could not be read as an image ({type(error).__name__}).") from error


def _letterhead(pdf: FPDF, document: QuoteDocument, accent: tuple[int, int, int]) -> None:
    letterhead = document.letterhead
    left = 15.0
    if document.logo is not None:
        _logo(pdf, document.logo)
        left += LOGO_WIDTH + 6
    pdf.set_xy(left, 15)
    pdf.set_font(FONT_FAMILY, size=16)
    pdf.set_text_color(*accent)
    pdf.multi_cell(0, 8, document.firm_name, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT_FAMILY, size=9)
    contact = "   ".join(part for part in (letterhead.phone, letterhead.email, letterhead.website) if part)
    for line in (*letterhead.address_lines, contact, letterhead.registration):
        if line:
            pdf.multi_cell(0, 4.5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
    bottom = max(pdf.get_y(), 15 + LOGO_HEIGHT if document.logo is not None else 0)
    pdf.set_draw_color(*accent)
    pdf.set_line_width(0.6)
    pdf.line(15, bottom + 2, 195, bottom + 2)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(15, bottom + 5)


def render_quote_pdf(quote: Quote, document: QuoteDocument) -> bytes:
    labels = LABELS[quote.language]
    accent = _rgb(document.accent_color)
    pdf = _QuotePdf(document.letterhead.footer, labels["page"])
    pdf.set_margins(15, 15, 15)
    # The footer sits in the bottom 15 mm, so content breaks above it.
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(f"{labels['title']} {quote.number}")
    pdf.set_author(document.firm_name)
    pdf.add_font(FONT_FAMILY, fname=font_path(), collection_font_number=FONT_FACES[quote.language])
    pdf.set_font(FONT_FAMILY, size=10)
    pdf.add_page()

    _letterhead(pdf, document, accent)
    pdf.set_font(FONT_FAMILY, size=20)
    pdf.set_text_color(*accent)
    pdf.cell(0, 12, labels["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)

    pdf.set_font(FONT_FAMILY, size=10)
    for key, value in (
        ("number", quote.number),
        ("revision", str(quote.revision)),
        ("date", document.issued_on.isoformat()),
        ("valid_until", quote.valid_until.isoformat()),
        ("client", document.account_name),
    ):
        pdf.cell(30, 6, labels[key])
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    headings = [labels[key] + (f" ({quote.currency})" if key == "amount" else "") for key, _ in _COLUMNS]
    # fpdf2 repeats the headings row at the top of every page the table continues on, and wraps long cells.
    with pdf.table(
        col_widths=[width for _, width in _COLUMNS],
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(color=(255, 255, 255), fill_color=accent),
        borders_layout="HORIZONTAL_LINES",
        line_height=6,
        width=sum(width for _, width in _COLUMNS),
    ) as table:
        table.row(headings)
        for line in quote.lines:
            table.row(
                [
                    line.description,
                    _quantity(line.quantity, line.kind, labels),
                    _money(line.unit_rate),
                    f"{line.discount_percent.normalize():f}" if line.discount_percent else "",
                    _money(line.amount),
                ]
            )
    pdf.ln(3)

    totals = (
        (labels["subtotal"], quote.subtotal.amount),
        (labels["discount"], -quote.discount.amount if quote.discount.amount else quote.discount.amount),
        (labels["tax"].format(rate=f"{quote.tax_rate_percent.normalize():f}"), quote.tax.amount),
    )
    for label, amount in totals:
        pdf.cell(146, 6, label, align="R")
        pdf.cell(34, 6, _money(amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=12)
    pdf.cell(146, 8, f"{labels['total']} ({quote.currency})", align="R")
    pdf.cell(34, 8, _money(quote.total.amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    for heading, text in ((labels["notes"], quote.notes), (labels["terms"], document.letterhead.terms)):
        if text:
            pdf.ln(6)
            pdf.set_font(FONT_FAMILY, size=11)
            pdf.set_text_color(*accent)
            pdf.cell(0, 6, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
            pdf.set_font(FONT_FAMILY, size=9)
            pdf.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
