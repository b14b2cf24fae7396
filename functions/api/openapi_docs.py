"""Shared OpenAPI declarations for the routes: the problem-details schema and common responses."""

from pydantic import BaseModel, Field

ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"


class ProblemFieldError(BaseModel):
    field: str
    message: str
    code: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemFieldError] = Field(default_factory=list)


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"model": Problem}}}


ERROR_RESPONSES: dict[int, dict] = {
    400: _problem("Malformed request"),
    401: _problem("Not signed in, or the credentials are invalid"),
    403: _problem("The caller's role or key scopes do not allow this"),
    404: _problem("No such resource in the caller's tenant"),
    409: _problem("Conflicting request"),
    412: _problem("The If-Match version is stale"),
    413: _problem("Body larger than 1 MB"),
    415: _problem("The body is not application/json"),
    422: _problem("Invalid fields, named in `errors`"),
    428: _problem("If-Match is required"),
    429: _problem("Too many requests"),
}


def responses(status: int, description: str) -> dict[int, dict]:
    """A route's `responses=`: its success response plus every problem response.

    Powertools drops the default success response once `responses=` is given; an entry without `content`
    takes its schema from the route's return annotation. A 204 has no body.
    """
    success: dict = {"description": description}
    if status == 204:
        success["content"] = {}
    return {status: success, **ERROR_RESPONSES}
