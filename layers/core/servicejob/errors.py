"""Domain errors. The API maps each class to one HTTP status and an RFC 9457 problem, in one place."""

from dataclasses import dataclass, field

# RFC 9457 problem details: every error the API or its gateway answers uses this media type and type base.
PROBLEM_TYPE_BASE = "https://servicejob.example/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    code: str = "invalid"


class DomainError(Exception):
    """Base class; `title` is the short, stable description of the problem type."""

    title = "Request failed"
    type_slug = "request-failed"

    def __init__(self, detail: str, errors: list[FieldError] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFound(DomainError):
    title = "Not found"
    type_slug = "not-found"


class ValidationFailed(DomainError):
    title = "Validation failed"
    type_slug = "validation-failed"


class Forbidden(DomainError):
    title = "Forbidden"
    type_slug = "forbidden"


class Unauthenticated(DomainError):
    title = "Unauthenticated"
    type_slug = "unauthenticated"


class VersionConflict(DomainError):
    """The entity changed since the client read it (stale If-Match)."""

    title = "Version conflict"
    type_slug = "version-conflict"

    def __init__(self, detail: str, current_version: int | None = None):
        super().__init__(detail)
        self.current_version = current_version


class PreconditionRequired(DomainError):
    title = "Precondition required"
    type_slug = "precondition-required"


class Conflict(DomainError):
    title = "Conflict"
    type_slug = "conflict"


class RateLimited(DomainError):
    title = "Too many requests"
    type_slug = "rate-limited"

    def __init__(self, detail: str, retry_after: int | None = None):
        super().__init__(detail)
        self.retry_after = retry_after  # seconds; sent as the Retry-After header


@dataclass
class ErrorList:
    """Collects field errors, then raises them together so a client sees every problem at once."""

    items: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message: str, code: str = "invalid") -> None:
        self.items.append(FieldError(field_name, message, code))

    def raise_if_any(self, detail: str = "The request has invalid fields.") -> None:
        if self.items:
            raise ValidationFailed(detail, self.items)
