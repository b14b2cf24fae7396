"""Quotes: priced offers for an opportunity, one new version per negotiation round.

`POST /v1/opportunities/{id}/quotes` creates version (`revision`) 1, then 2, 3, ...: each round copies the
latest version's lines and terms unless the request replaces them. Creating a version makes the previous one
read-only (its `superseded_by` names the new one) in the same transaction; a write to a read-only version,
or content changes to a quote already sent, answer 409: the client makes a new version instead.

Every version of one opportunity shares the quote number `Q-{year}-{seq:04d}` (UTC year of the first
version; `seq` from an atomic per-tenant, per-year counter, so a failed create may leave a gap).

Totals, in the opportunity's currency, rounded half-up to its minor unit at each documented step:
  1. line amount   = quantity x unit rate                 (rounded)
  2. line discount = line amount x discount percent / 100  (rounded)
  3. line net      = line amount - line discount
  4. subtotal = sum of line amounts; discount = sum of line discounts
  5. tax      = (subtotal - discount) x tax rate / 100     (rounded once, on the whole quote)
  6. total    = subtotal - discount + tax
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.clock import utc_now
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import AccountRepository
from servicejob.domain.opportunities import OpportunityRepository
from servicejob.domain.quote_template import (
    DEFAULT_ACCENT_COLOR,
    Letterhead,
    QuoteTemplate,
    TenantFiles,
    letterhead_for,
    logo_bytes,
    logo_url,
)
from servicejob.domain.tenants import Locale, Tenant, TenantRepository
from servicejob.errors import Conflict, ErrorList, FieldError, NotFound, ValidationFailed
from servicejob.money import Amount, Money
from servicejob.tenancy.context import TenantContext

MAX_LINES = 100
# A download link is short-lived: it is a bearer credential for one tenant's object.
PDF_LINK_SECONDS = 300
DEFAULT_VALIDITY_DAYS = 30
QUANTITY_PATTERN = r"^[0-9]{1,7}(\.[0-9]{1,2})?$"
PERCENT_PATTERN = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"


def _decimal_text(pattern: str, example: str, maximum: Decimal | None = None):
    def parse(value: Any) -> Decimal:
        if isinstance(value, bool | float):
            raise ValueError(f'give a decimal string, e.g. "{example}", not a JSON number with a fraction')
        text = str(value).strip() if isinstance(value, int | str | Decimal) else None
        if text is None or not re.fullmatch(pattern, text):
            raise ValueError(f'must be a decimal string such as "{example}" (at most 2 decimals)')
        number = Decimal(text)
        if maximum is not None and number > maximum:
            raise ValueError(f"must be at most {maximum}")
        return number

    return parse


Quantity = Annotated[
    Decimal,
    BeforeValidator(_decimal_text(QUANTITY_PATTERN, "7.5")),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": QUANTITY_PATTERN, "examples": ["7.5"]}),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_decimal_text(PERCENT_PATTERN, "6", Decimal(100))),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": PERCENT_PATTERN, "examples": ["6"], "description": "0 to 100"}),
]
LineDescription = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class LineKind(StrEnum):
    HOURS = "hours"
    QUANTITY = "quantity"


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# Decided quotes are final; a sent one takes only its decision (any other change is a new version).
FINAL_STATUSES = frozenset({QuoteStatus.ACCEPTED, QuoteStatus.REJECTED})
NEXT_STATUSES: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    QuoteStatus.DRAFT: frozenset({QuoteStatus.SENT, QuoteStatus.ACCEPTED, QuoteStatus.REJECTED}),
    QuoteStatus.SENT: frozenset({QuoteStatus.ACCEPTED, QuoteStatus.REJECTED}),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.REJECTED: frozenset(),
}


class QuoteLineInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    description: LineDescription = Field(description="The service, e.g. 2026 年度審計")
    kind: LineKind = Field(description="hours (quantity is hours) or quantity (units)")
    quantity: Quantity = Field(description="Hours or units, more than 0, at most 2 decimals")
    unit_rate: Amount = Field(description="Rate per hour or unit in the quote's currency, a decimal string")
    discount_percent: Percent = Field(default=Decimal(0), description="Line discount in percent, 0 to 100")

    @model_validator(mode="after")
    def _positive_quantity(self) -> "QuoteLineInput":
        if self.quantity <= 0:
            raise ValueError("quantity must be more than 0")
        if self.unit_rate < 0:
            raise ValueError("unit_rate cannot be negative")
        return self


class QuoteLine(QuoteLineInput):
    model_config = ConfigDict(extra="ignore")

    amount: Amount = Field(description="quantity x unit rate, rounded half-up to the currency's minor unit")
    discount: Amount = Field(description="amount x discount percent / 100, rounded half-up")
    net: Amount = Field(description="amount - discount")


class QuoteTotals(BaseModel):
    subtotal: Money = Field(description="Sum of the line amounts")
    discount: Money = Field(description="Sum of the line discounts")
    tax: Money = Field(description="(subtotal - discount) x tax rate, rounded half-up once")
    total: Money = Field(description="subtotal - discount + tax")


class QuoteInput(BaseModel):
    """A new version. Omitted fields are copied from the latest version (the first one needs lines)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lines: list[QuoteLineInput] | None = Field(
        default=None, min_length=1, max_length=MAX_LINES, description="Replaces the lines; omit to copy them"
    )
    tax_rate_percent: Percent | None = Field(
        default=None,
        description="e.g. 0 (Hong Kong), 6 (PRC VAT on services); default: the latest version's, or the "
        "tenant's default_tax_rate_percent (GET /v1/sales-settings/quotes)",
    )
    valid_until: dt.date | None = Field(
        default=None, description=f"Default: the latest version's, or {DEFAULT_VALIDITY_DAYS} days from today"
    )
    notes: Notes | None = None
    language: Locale | None = Field(default=None, description="Language of the PDF; default: the caller's")


class QuotePatch(BaseModel):
    """Content changes (draft only) and the status; If-Match required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lines: list[QuoteLineInput] | None = Field(default=None, min_length=1, max_length=MAX_LINES)
    tax_rate_percent: Percent | None = None
    valid_until: dt.date | None = None
    notes: Notes | None = None
    language: Locale | None = None
    status: QuoteStatus | None = None

    @model_validator(mode="after")
    def _required_fields_cannot_be_cleared(self) -> "QuotePatch":
        for name in ("lines", "tax_rate_percent", "valid_until", "language", "status"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class Quote(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int = Field(description="The ETag version of this record (optimistic locking), not the revision")
    number: str = Field(description="Q-{year}-{seq}, shared by every version of the opportunity's quote")
    revision: int = Field(description="The quote version: 1, 2, ... one per negotiation round")
    opportunity_id: str
    account_id: str
    status: QuoteStatus
    currency: str = Field(description="ISO 4217, the opportunity's")
    lines: list[QuoteLine]
    tax_rate_percent: Percent
    subtotal: Money
    discount: Money
    tax: Money
    total: Money
    valid_until: dt.date
    notes: str | None = None
    language: Locale
    superseded_by: str | None = Field(default=None, description="The next version's id; set = read-only")
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


class QuoteSeries(BaseModel):
    """Per opportunity: the latest version (guards concurrent creates) and the shared number."""

    number: str
    revision: int
    latest_quote_id: str


class QuoteRepository(Protocol):
    def get(self, ctx: TenantContext, quote_id: str) -> Quote: ...
    def series(self, ctx: TenantContext, opportunity_id: str) -> QuoteSeries | None: ...
    def next_number(self, ctx: TenantContext, year: int) -> int: ...
    def add_version(
        self, ctx: TenantContext, quote_id: str, fields: Mapping[str, Any], previous: Quote | None
    ) -> Quote: ...
    def update(self, ctx: TenantContext, quote_id: str, changes: Mapping[str, Any], expected_version: int) -> Quote: ...
    def list(self, ctx: TenantContext, opportunity_id: str, limit: int, cursor: str | None) -> Page[Quote]: ...


class QuoteSettingsInput(BaseModel):
    """The tenant's quote defaults (`PUT /v1/sales-settings/quotes`)."""

    model_config = ConfigDict(extra="forbid")

    default_tax_rate_percent: Percent = Field(
        default=Decimal(0), description="Tax rate of a first version that gives none, e.g. 0 (Hong Kong), 6 (PRC VAT)"
    )
    template: QuoteTemplate = Field(
        default_factory=QuoteTemplate, description="The firm's letterhead, terms, footer, colour and logo on PDFs"
    )


class QuoteSettings(QuoteSettingsInput):
    model_config = ConfigDict(extra="ignore")

    version: int
    updated_at: str
    updated_by: str
    logo_url: str | None = Field(default=None, description="A 5-minute GET of the logo, to preview it (not stored)")

    @field_validator("template", mode="before")
    @classmethod
    def _stored_before_templates(cls, value: Any) -> Any:
        return {} if value is None else value


class QuoteSettingsRepository(Protocol):
    def get_or_create(self, ctx: TenantContext, defaults: QuoteSettingsInput) -> QuoteSettings: ...
    def replace(self, ctx: TenantContext, data: QuoteSettingsInput, expected_version: int) -> QuoteSettings: ...


def _with_logo_url(ctx: TenantContext, files: TenantFiles, settings: QuoteSettings) -> QuoteSettings:
    return settings.model_copy(update={"logo_url": logo_url(ctx, files, settings.template)})


def get_quote_settings(ctx: TenantContext, repository: QuoteSettingsRepository, files: TenantFiles) -> QuoteSettings:
    ctx.require(Permission.QUOTES_READ)
    return _with_logo_url(ctx, files, repository.get_or_create(ctx, QuoteSettingsInput()))


def replace_quote_settings(
    ctx: TenantContext,
    repository: QuoteSettingsRepository,
    files: TenantFiles,
    data: QuoteSettingsInput,
    expected_version: int,
) -> QuoteSettings:
    """Replaces the quote settings; a named logo must already be uploaded and be a PNG or JPEG (else 422)."""
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    if data.template.logo_id is not None:
        logo_bytes(ctx, files, data.template.logo_id)
    return _with_logo_url(ctx, files, repository.replace(ctx, data, expected_version))


def quote_number(year: int, sequence: int) -> str:
    return f"Q-{year}-{sequence:04d}"


def priced_lines(lines: list[QuoteLineInput], currency: str) -> list[QuoteLine]:
    """Each line with its amount, discount and net (steps 1-3); unit rates must fit the currency."""
    errors = ErrorList()
    priced: list[QuoteLine] = []
    for position, line in enumerate(lines):
        try:
            rate = Money(amount=line.unit_rate, currency=currency)
        except ValueError as error:
            errors.add(f"lines[{position}].unit_rate", _first_message(error))
            continue
        amount = rate.times(line.quantity)
        discount = amount.times(line.discount_percent / 100)
        net = Money.of(amount.amount - discount.amount, currency)
        priced.append(
            QuoteLine(
                **{**line.model_dump(), "unit_rate": rate.amount},
                amount=amount.amount,
                discount=discount.amount,
                net=net.amount,
            )
        )
    errors.raise_if_any("The quote's lines are not valid.")
    return priced


def quote_totals(lines: list[QuoteLine], tax_rate_percent: Decimal, currency: str) -> QuoteTotals:
    """Steps 4-6 over priced lines."""
    subtotal = Money.of(sum((line.amount for line in lines), Decimal(0)), currency)
    discount = Money.of(sum((line.discount for line in lines), Decimal(0)), currency)
    taxable = Money.of(subtotal.amount - discount.amount, currency)
    tax = taxable.times(tax_rate_percent / 100)
    return QuoteTotals(subtotal=subtotal, discount=discount, tax=tax, total=taxable + tax)


def _first_message(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        return str(errors()[0]["msg"]).removeprefix("Value error, ")
    return str(error)


def _priced_fields(lines: list[QuoteLineInput], tax_rate: Decimal, currency: str) -> dict[str, Any]:
    priced = priced_lines(lines, currency)
    totals = quote_totals(priced, tax_rate, currency)
    return {
        "lines": [line.model_dump(mode="json") for line in priced],
        "tax_rate_percent": str(tax_rate),
        **totals.model_dump(mode="json"),
    }


def _read_only(quote: Quote) -> Conflict | None:
    if quote.superseded_by:
        return Conflict(
            f"Quote {quote.number} version {quote.revision} was superseded by a later version and is read-only."
        )
    if quote.status in FINAL_STATUSES:
        return Conflict(f"Quote {quote.number} version {quote.revision} is {quote.status.value} and is read-only.")
    return None


def create_version(
    ctx: TenantContext,
    quotes: QuoteRepository,
    opportunities: OpportunityRepository,
    settings: QuoteSettingsRepository,
    opportunity_id: str,
    data: QuoteInput,
) -> Quote:
    """The opportunity's next quote version; the previous one becomes read-only in the same transaction.

    A version that gives no tax rate takes the latest version's, else the tenant's default.
    """
    ctx.require(Permission.QUOTES_WRITE)
    opportunity = opportunities.get(ctx, opportunity_id)
    series = quotes.series(ctx, opportunity_id)
    previous = quotes.get(ctx, series.latest_quote_id) if series else None
    if previous is not None and previous.status is QuoteStatus.ACCEPTED:
        raise Conflict(f"Quote {previous.number} was accepted; no further versions can be made.")
    currency = opportunity.amount.currency
    lines = data.lines or (_line_inputs(previous) if previous else None)
    if not lines:
        raise ValidationFailed("The first version needs lines.", [FieldError("lines", "Required.", "required")])
    if data.tax_rate_percent is not None:
        tax_rate = data.tax_rate_percent
    else:
        tax_rate = (
            previous.tax_rate_percent
            if previous
            else settings.get_or_create(ctx, QuoteSettingsInput()).default_tax_rate_percent
        )
    today = utc_now().date()
    default_validity = previous.valid_until if previous else today + dt.timedelta(DEFAULT_VALIDITY_DAYS)
    valid_until = data.valid_until or default_validity
    notes = data.notes if data.notes is not None else (previous.notes if previous else None)
    language = data.language or (previous.language if previous else _locale(ctx.locale))
    number = series.number if series else quote_number(today.year, quotes.next_number(ctx, today.year))
    fields = {
        "opportunity_id": opportunity.id,
        "account_id": opportunity.account_id,
        "number": number,
        "revision": series.revision + 1 if series else 1,
        "status": QuoteStatus.DRAFT.value,
        "currency": currency,
        **_priced_fields(lines, tax_rate, currency),
        "valid_until": valid_until.isoformat(),
        "notes": notes or None,
        "language": language,
    }
    return quotes.add_version(ctx, str(ULID()), {k: v for k, v in fields.items() if v is not None}, previous)


def _line_inputs(quote: Quote) -> list[QuoteLineInput]:
    """A version's lines as input again (without the computed amounts), to copy them into the next version."""
    return [
        QuoteLineInput.model_validate(line.model_dump(include=set(QuoteLineInput.model_fields))) for line in quote.lines
    ]


def _locale(value: str) -> str:
    return value if value in ("en", "zh-Hant", "zh-Hans") else "en"


def get_quote(ctx: TenantContext, quotes: QuoteRepository, quote_id: str) -> Quote:
    ctx.require(Permission.QUOTES_READ)
    return quotes.get(ctx, quote_id)


def list_quotes(
    ctx: TenantContext,
    quotes: QuoteRepository,
    opportunities: OpportunityRepository,
    opportunity_id: str,
    limit: int,
    cursor: str | None,
) -> Page[Quote]:
    """Every version, oldest first; an opportunity not in the tenant answers 404."""
    ctx.require(Permission.QUOTES_READ)
    opportunities.get(ctx, opportunity_id)
    return quotes.list(ctx, opportunity_id, limit, cursor)


def quote_changes(current: Quote, patch: QuotePatch) -> dict[str, Any]:
    """The fields a patch writes, or Conflict when the version is read-only or already sent."""
    if conflict := _read_only(current):
        raise conflict
    content = patch.model_fields_set - {"status"}
    if content and current.status is not QuoteStatus.DRAFT:
        raise Conflict(
            f"Quote {current.number} version {current.revision} was sent; create a new version to change it."
        )
    moving = patch.status is not None and patch.status is not current.status
    if moving and patch.status not in NEXT_STATUSES[current.status]:
        raise ValidationFailed(
            "The quote cannot take that status.",
            [FieldError("status", f"A {current.status.value} quote cannot become {patch.status.value}.")],
        )
    changes: dict[str, Any] = {}
    if "lines" in content or "tax_rate_percent" in content:
        lines = patch.lines or _line_inputs(current)
        tax_rate = patch.tax_rate_percent if patch.tax_rate_percent is not None else current.tax_rate_percent
        changes.update(_priced_fields(lines, tax_rate, current.currency))
    if "valid_until" in content and patch.valid_until is not None:
        changes["valid_until"] = patch.valid_until.isoformat()
    if "notes" in content:
        changes["notes"] = patch.notes or None
    if "language" in content:
        changes["language"] = patch.language
    if patch.status is not None:
        changes["status"] = patch.status.value
    return changes


def update_quote(
    ctx: TenantContext, quotes: QuoteRepository, quote_id: str, patch: QuotePatch, expected_version: int
) -> Quote:
    ctx.require(Permission.QUOTES_WRITE)
    current = quotes.get(ctx, quote_id)
    # A version superseded after this read has a higher version, so the conditional write refuses it (412).
    return quotes.update(ctx, quote_id, quote_changes(current, patch), expected_version)


def reached_accepted(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool:
    """Whether a write accepted the quote: it publishes `quote.accepted` as well."""
    was = before is not None and before.get("status") == QuoteStatus.ACCEPTED.value
    return after is not None and after.get("status") == QuoteStatus.ACCEPTED.value and not was


@dataclass(frozen=True)
class QuoteDocument:
    """What a quote's PDF shows besides the quote itself: the issue, the client and the tenant's template."""

    tenant_name: str
    account_name: str
    issued_on: dt.date
    letterhead: Letterhead = field(default_factory=Letterhead)
    accent_color: str = DEFAULT_ACCENT_COLOR
    logo: bytes | None = None

    @property
    def firm_name(self) -> str:
        return self.letterhead.display_name or self.tenant_name


class PdfLink(BaseModel):
    url: str = Field(description=f"Presigned GET of the PDF, valid {PDF_LINK_SECONDS // 60} minutes")
    expires_at: str = Field(description="When the URL stops working (UTC ISO 8601)")


class QuotePdfLink(PdfLink):
    quote_version: int = Field(description="The quote record version (ETag) the PDF shows")


class QuotePreviewInput(BaseModel):
    """A template to try out on a sample quote; nothing is saved."""

    model_config = ConfigDict(extra="forbid")

    template: QuoteTemplate
    language: Locale | None = Field(default=None, description="Language of the sample; default: the caller's")


class QuoteDocuments(Protocol):
    def save_quote_pdf(self, ctx: TenantContext, quote_id: str, version: int, body: bytes) -> None: ...
    def quote_pdf_url(
        self, ctx: TenantContext, quote_id: str, version: int, file_name: str, expires_in: int
    ) -> str | None: ...
    def save_preview_pdf(self, ctx: TenantContext, body: bytes) -> None: ...
    def preview_pdf_url(self, ctx: TenantContext, file_name: str, expires_in: int) -> str: ...


QuotePdfRenderer = Callable[[Quote, QuoteDocument], bytes]


@dataclass(frozen=True)
class QuotePdfServices:
    """What rendering a PDF reads (tenant, template, logo) and where it stores it."""

    tenants: TenantRepository
    settings: QuoteSettingsRepository
    files: TenantFiles
    documents: QuoteDocuments
    render: QuotePdfRenderer


def _document(
    ctx: TenantContext,
    services: QuotePdfServices,
    tenant: Tenant,
    template: QuoteTemplate,
    language: str,
    account_name: str,
) -> QuoteDocument:
    return QuoteDocument(
        tenant_name=tenant.name,
        account_name=account_name,
        issued_on=utc_now().astimezone(ZoneInfo(tenant.time_zone)).date(),
        letterhead=letterhead_for(template, language, tenant.locale),
        accent_color=template.accent_color,
        logo=logo_bytes(ctx, services.files, template.logo_id) if template.logo_id else None,
    )


def _pdf_link(ctx: TenantContext, documents: QuoteDocuments, quote: Quote) -> QuotePdfLink | None:
    expires_at = utc_now() + dt.timedelta(seconds=PDF_LINK_SECONDS)
    file_name = f"{quote.number}-v{quote.revision}.pdf"
    url = documents.quote_pdf_url(ctx, quote.id, quote.version, file_name, PDF_LINK_SECONDS)
    if url is None:
        return None
    return QuotePdfLink(url=url, expires_at=expires_at.isoformat(), quote_version=quote.version)


def render_pdf(
    ctx: TenantContext,
    quotes: QuoteRepository,
    accounts: AccountRepository,
    services: QuotePdfServices,
    quote_id: str,
) -> QuotePdfLink:
    """Renders the quote's current record version with the tenant's template, stores it and links to it.

    A version already rendered is a document of record: it is not rendered again (a later template change
    shows in new versions and in versions not rendered yet), so the link is to the stored PDF.
    """
    ctx.require(Permission.QUOTES_WRITE)
    quote = quotes.get(ctx, quote_id)
    if (stored := _pdf_link(ctx, services.documents, quote)) is not None:
        return stored
    try:
        account_name = accounts.get(ctx, quote.account_id).name
    except NotFound:
        account_name = ""  # the account was deleted since; the quote still renders
    template = services.settings.get_or_create(ctx, QuoteSettingsInput()).template
    tenant = services.tenants.get(ctx.tenant_id)
    document = _document(ctx, services, tenant, template, quote.language, account_name)
    services.documents.save_quote_pdf(ctx, quote.id, quote.version, services.render(quote, document))
    link = _pdf_link(ctx, services.documents, quote)
    if link is None:  # pragma: no cover - just written
        raise NotFound(f"The PDF of quote {quote_id} could not be read back.")
    return link


def pdf_link(ctx: TenantContext, quotes: QuoteRepository, documents: QuoteDocuments, quote_id: str) -> QuotePdfLink:
    """A short-lived link to the PDF of the quote's current version; 404 until it is rendered."""
    ctx.require(Permission.QUOTES_READ)
    quote = quotes.get(ctx, quote_id)
    link = _pdf_link(ctx, documents, quote)
    if link is None:
        raise NotFound(
            f"Quote {quote.number} version {quote.revision} has no PDF of its current state; POST to render it."
        )
    return link


SAMPLE_ACCOUNT = {"en": "Sample Client Limited", "zh-Hant": "示例客戶有限公司", "zh-Hans": "示例客户有限公司"}
SAMPLE_LINES = {
    "en": ("Annual audit", "Tax return filing", "Company secretarial services"),
    "zh-Hant": ("年度審計", "稅務申報", "公司秘書服務"),
    "zh-Hans": ("年度审计", "税务申报", "公司秘书服务"),
}


def sample_quote(language: str, currency: str, today: dt.date) -> Quote:
    """A made-up quote to preview a template with: never stored."""
    hours, filing, secretarial = SAMPLE_LINES[language]
    lines = [
        QuoteLineInput.model_validate({"description": hours, "kind": "hours", "quantity": "12", "unit_rate": "1800"}),
        QuoteLineInput.model_validate(
            {"description": filing, "kind": "quantity", "quantity": "1", "unit_rate": "5000"}
        ),
        QuoteLineInput.model_validate(
            {
                "description": secretarial,
                "kind": "quantity",
                "quantity": "1",
                "unit_rate": "3000",
                "discount_percent": "10",
            }
        ),
    ]
    fields = _priced_fields(lines, Decimal(0), currency)
    stamp = utc_now().isoformat()
    return Quote.model_validate(
        {
            **fields,
            "id": str(ULID()),
            "version": 1,
            "number": quote_number(today.year, 0),
            "revision": 1,
            "opportunity_id": str(ULID()),
            "account_id": str(ULID()),
            "status": QuoteStatus.DRAFT.value,
            "currency": currency,
            "valid_until": (today + dt.timedelta(DEFAULT_VALIDITY_DAYS)).isoformat(),
            "language": language,
            "created_at": stamp,
            "created_by": "preview",
            "updated_at": stamp,
            "updated_by": "preview",
        }
    )


def preview_pdf(ctx: TenantContext, services: QuotePdfServices, data: QuotePreviewInput) -> PdfLink:
    """Renders a sample quote with a template as entered (saving neither): the caller's one preview object."""
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    language = data.language or _locale(ctx.locale)
    tenant = services.tenants.get(ctx.tenant_id)
    document = _document(ctx, services, tenant, data.template, language, SAMPLE_ACCOUNT[language])
    quote = sample_quote(language, tenant.base_currency, document.issued_on)
    services.documents.save_preview_pdf(ctx, services.render(quote, document))
    expires_at = utc_now() + dt.timedelta(seconds=PDF_LINK_SECONDS)
    url = services.documents.preview_pdf_url(ctx, "quote-preview.pdf", PDF_LINK_SECONDS)
    return PdfLink(url=url, expires_at=expires_at.isoformat())
