"""A quote as a PDF (fpdf2), in the quote's language: en, zh-Hant or zh-Hans.

The font is Noto Sans CJK Regular (SIL Open Font License 1.1) from the PyPI package `noto-cjk-sans-otc`,
one OpenType collection whose faces all cover Latin, Traditional and Simplified Chinese; the face is
chosen for the regional glyph forms (TC for en and zh-Hant, SC for zh-Hans). fpdf2 embeds only the glyphs
used (a subset), so a PDF stays small. Chinese needs no complex shaping, so text shaping stays off.
"""

from decimal import Decimal
from importlib import resources

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

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
        "hours": "小时",
        "units": "",
    },
}

# Column widths in mm on A4 with 15 mm margins (180 mm usable).
_COLUMNS = (("description", 72), ("quantity", 24), ("unit_rate", 30), ("discount_percent", 20), ("amount", 34))


def font_path() -> str:
    return str(resources.files(FONT_PACKAGE) / FONT_FILE)


def _money(amount: Decimal) -> str:
    return f"{amount:,}"


def _quantity(value: Decimal, kind: LineKind, labels: dict[str, str]) -> str:
    unit = labels["hours"] if kind is LineKind.HOURS else labels["units"]
    return f"{value.normalize():f} {unit}".strip()


def render_quote_pdf(quote: Quote, document: QuoteDocument) -> bytes:
    labels = LABELS[quote.language]
    pdf = FPDF(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(f"{labels['title']} {quote.number}")
    pdf.set_author(document.tenant_name)
    pdf.add_font(FONT_FAMILY, fname=font_path(), collection_font_number=FONT_FACES[quote.language])
    pdf.add_page()

    pdf.set_font(FONT_FAMILY, size=16)
    pdf.cell(0, 9, document.tenant_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=20)
    pdf.cell(0, 12, labels["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    with pdf.table(
        col_widths=[width for _, width in _COLUMNS],
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(fill_color=(235, 235, 235)),
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

    if quote.notes:
        pdf.ln(6)
        pdf.set_font(FONT_FAMILY, size=10)
        pdf.cell(0, 6, labels["notes"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.multi_cell(0, 5, quote.notes, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
