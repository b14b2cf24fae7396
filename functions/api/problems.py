"""RFC 9457 problem details: the one error shape of the API. Domain errors map to HTTP status here."""

import json
from collections.abc import Iterable

from aws_lambda_powertools.event_handler import Response

from servicejob.errors import (
    PROBLEM_CONTENT_TYPE,
    PROBLEM_TYPE_BASE,
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    PreconditionRequired,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
    VersionConflict,
)

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    ValidationFailed: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    VersionConflict: 412,
    PreconditionRequired: 428,
    RateLimited: 429,
}


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Iterable[FieldError] = (),
    headers: dict[str, str] | None = None,
    **extensions: object,
) -> Response:
    body = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "errors": [{"field": e.field, "message": e.message, "code": e.code} for e in errors],
        **extensions,
    }
    return Response(
        status_code=status,
        content_type=PROBLEM_CONTENT_TYPE,
        body=json.dumps(body, ensure_ascii=False),
        headers=headers or {},
    )


def from_domain_error(error: DomainError) -> Response:
    status = next(code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls))
    extensions: dict[str, object] = {}
    if isinstance(error, VersionConflict) and error.current_version is not None:
        extensions["current_version"] = error.current_version
    headers = {}
    if isinstance(error, RateLimited) and error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return problem(status, error.type_slug, error.title, error.detail, error.errors, headers, **extensions)


def field_path(location: Iterable[str | int]) -> str:
    """pydantic's error location ('body', 'tags', 0) → the client's field path 'tags[0]'."""
    parts = [part for part in location if part not in ("body", "query", "header", "path")]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"
