"""The tenant's quote template: letterhead, terms and footer per language, an accent colour and a logo.

It is part of the quote settings document (`template`). A quote renders the letterhead of its language;
an empty one falls back to the tenant's default language, then to the first filled one (en, zh-Hant,
zh-Hans), and the firm's name to the tenant's name.

The logo is uploaded by the browser straight to S3 (a presigned PUT under the tenant's prefix, key made
from a server-issued ULID, so a client can never name another object), then named by `logo_id` in the
template. Its bytes are checked when the template is saved and again when a PDF is rendered (the object
could have been overwritten through the same URL meanwhile): at most LOGO_MAX_BYTES, a PNG or JPEG by its
signature. A bad file is a 422 naming `template.logo_id`, never a 500.
"""

from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from ulid import ULID

from servicejob.auth.permissions import Permission
from servicejob.dal.keys import tenant_object_key
from servicejob.domain.tenants import Locale
from servicejob.errors import FieldError, ValidationFailed
from servicejob.tenancy.context import TenantContext

LANGUAGES: tuple[Locale, ...] = ("en", "zh-Hant", "zh-Hans")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_UPLOAD_SECONDS = 600
LOGO_LINK_SECONDS = 300
LOGO_FIELD = "template.logo_id"
DEFAULT_ACCENT_COLOR = "#1F4E79"
ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"

Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]


class Letterhead(BaseModel):
    """What a quote in one language shows about the firm; every field is optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: Line = Field(default="", description="The firm's name on documents; default: the tenant's name")
    address_lines: list[Line] = Field(default_factory=list, max_length=4, description="Up to 4 address lines")
    phone: Short = ""
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+$")] = (
        ""
    )
    website: Line = ""
    registration: Line = Field(default="", description="e.g. BR No. 12345678 or 统一社会信用代码")
    terms: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] = Field(
        default="", description="Terms and conditions printed under the totals"
    )
    footer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = Field(
        default="", description="One line at the foot of every page, beside the page number"
    )

    def filled(self) -> bool:
        return any(value for value in self.model_dump().values())


class QuoteTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    letterheads: dict[Locale, Letterhead] = Field(
        default_factory=dict, description="Per language (en, zh-Hant, zh-Hans); a missing one falls back"
    )
    accent_color: Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")] = Field(
        default=DEFAULT_ACCENT_COLOR, description="Headings and the table header, #RRGGBB"
    )
    logo_id: Annotated[str, StringConstraints(pattern=ID_PATTERN)] | None = Field(
        default=None,
        description="From POST /v1/sales-settings/quotes/logo, after the file was PUT; PNG or JPEG, at most 1 MB",
    )


def letterhead_for(template: QuoteTemplate, language: str, default_language: str) -> Letterhead:
    """The quote language's letterhead, else the tenant's default language's, else the first filled one."""
    for candidate in (language, default_language, *LANGUAGES):
        letterhead = template.letterheads.get(candidate)  # type: ignore[call-overload]
        if letterhead is not None and letterhead.filled():
            return letterhead
    return Letterhead()


class TenantFiles(Protocol):
    def upload_url(self, ctx: TenantContext, key: str, expires_in: int) -> str: ...
    def size_and_etag(self, ctx: TenantContext, key: str) -> tuple[int, str] | None: ...
    def read(self, ctx: TenantContext, key: str, etag: str) -> bytes: ...
    def download_url(self, ctx: TenantContext, key: str, expires_in: int, file_name: str) -> str: ...


class LogoUpload(BaseModel):
    logo_id: str = Field(description="Put it in template.logo_id once the file is uploaded")
    url: str = Field(description="PUT the PNG or JPEG bytes here")
    method: str = "PUT"
    expires_in_seconds: int
    max_bytes: int = LOGO_MAX_BYTES


def logo_object_key(tenant_id: str, logo_id: str) -> str:
    return tenant_object_key(tenant_id, "quote-logos", logo_id)


def start_logo_upload(ctx: TenantContext, files: TenantFiles) -> LogoUpload:
    ctx.require(Permission.SALES_SETTINGS_MANAGE)
    logo_id = str(ULID())
    url = files.upload_url(ctx, logo_object_key(ctx.tenant_id, logo_id), LOGO_UPLOAD_SECONDS)
    return LogoUpload(logo_id=logo_id, url=url, expires_in_seconds=LOGO_UPLOAD_SECONDS)


def image_type(data: bytes) -> str | None:
    """'png' or 'jpeg' by the file's signature, else None (the upload's Content-Type is not trusted)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def bad_logo(message: str) -> ValidationFailed:
    return ValidationFailed("The logo cannot be used.", [FieldError(LOGO_FIELD, message)])


def logo_bytes(ctx: TenantContext, files: TenantFiles, logo_id: str) -> bytes:
    """The logo's bytes once they pass the checks; otherwise 422 naming template.logo_id."""
    key = logo_object_key(ctx.tenant_id, logo_id)
    found = files.size_and_etag(ctx, key)
    if found is None:
        raise bad_logo("No file was uploaded for this logo: PUT it to the upload URL first.")
    size, etag = found
    if size > LOGO_MAX_BYTES:
        raise bad_logo(f"The logo has {size} bytes; the limit is {LOGO_MAX_BYTES} (1 MB).")
    data = files.read(ctx, key, etag)
    if image_type(data) is None:
        raise bad_logo("The logo must be a PNG or JPEG image.")
    return data


def logo_url(ctx: TenantContext, files: TenantFiles, template: QuoteTemplate) -> str | None:
    if template.logo_id is None:
        return None
    key = logo_object_key(ctx.tenant_id, template.logo_id)
    return files.download_url(ctx, key, LOGO_LINK_SECONDS, f"logo-{template.logo_id}")
