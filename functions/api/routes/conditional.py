"""ETag / If-Match for versioned entities: the ETag is the entity's version as a strong validator."""

from typing import Protocol, TypeVar

from aws_lambda_powertools.event_handler import Response

from servicejob.errors import FieldError, PreconditionRequired, ValidationFailed


class Versioned(Protocol):
    version: int


V = TypeVar("V", bound=Versioned)


def etag(version: int) -> str:
    return f'"{version}"'


def versioned_response(body: V) -> Response[V]:
    """200 with the body and its ETag, for reads and replacements of a versioned resource."""
    return Response(status_code=200, body=body, content_type="application/json", headers={"ETag": etag(body.version)})


def expected_version(if_match: str | None) -> int:
    """Parse If-Match (`"3"`, `W/"3"` or `3`); writes to versioned entities require it."""
    if not if_match:
        raise PreconditionRequired(
            "Send If-Match with the ETag you read, so that a concurrent change is not overwritten.",
            [FieldError("If-Match", "Required for updates and deletes.", "required")],
        )
    value = if_match.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()):  # "²".isdigit() is True but int("²") fails
        raise ValidationFailed(
            "If-Match must be an ETag this API returned.",
            [FieldError("If-Match", "Not an ETag of this API.", "invalid")],
        )
    return int(value)
