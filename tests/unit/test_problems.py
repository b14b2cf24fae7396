"""RFC 9457 problem details: one status per domain error, field paths as the client wrote them."""

import json

import pytest

from functions.api.problems import (
    PROBLEM_CONTENT_TYPE,
    STATUS_BY_ERROR,
    field_path,
    from_domain_error,
    problem,
)
from servicejob.errors import (
    Conflict,
    DomainError,
    ErrorList,
    FieldError,
    Forbidden,
    NotFound,
    PreconditionRequired,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
    VersionConflict,
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValidationFailed("bad"), 422),
        (Unauthenticated("who"), 401),
        (Forbidden("no"), 403),
        (NotFound("gone"), 404),
        (Conflict("busy"), 409),
        (VersionConflict("stale", current_version=3), 412),
        (PreconditionRequired("if-match"), 428),
        (RateLimited("slow down"), 429),
    ],
)
def test_each_domain_error_maps_to_one_status(error, status):
    # When a domain error becomes a response
    response = from_domain_error(error)
    body = json.loads(response.body)
    # Then it carries the status, the problem content type and every RFC 9457 member
    assert response.status_code == status
    assert response.content_type == PROBLEM_CONTENT_TYPE
    assert body["status"] == status
    assert body["title"] == error.title
    assert body["detail"] == error.detail
    assert body["type"].endswith("/" + error.type_slug)
    assert body["errors"] == []


def test_every_domain_error_class_has_a_status():
    # A new DomainError subclass without a status would become a StopIteration (500) at runtime
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    unmapped = [cls for cls in subclasses(DomainError) if not any(issubclass(cls, known) for known in STATUS_BY_ERROR)]
    assert unmapped == []


def test_version_conflict_carries_the_current_version():
    body = json.loads(from_domain_error(VersionConflict("stale", current_version=7)).body)
    assert body["current_version"] == 7


def test_field_errors_are_named():
    errors = ErrorList()
    errors.add("name", "Required.", "required")
    errors.add("tags[1]", "Too long.")
    with pytest.raises(ValidationFailed) as raised:
        errors.raise_if_any()
    body = json.loads(from_domain_error(raised.value).body)
    assert body["errors"] == [
        {"field": "name", "message": "Required.", "code": "required"},
        {"field": "tags[1]", "message": "Too long.", "code": "invalid"},
    ]


def test_empty_error_list_raises_nothing():
    ErrorList().raise_if_any()  # does not raise


def test_problem_keeps_non_ascii_text_readable():
    response = problem(422, "validation-failed", "Validation failed", "名稱太長", [FieldError("name", "太長")])
    assert "名稱太長" in response.body
    assert json.loads(response.body)["errors"][0]["message"] == "太長"


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("body", "name"), "name"),
        (("body", "tags", 0), "tags[0]"),
        (("body", "address", "lines", 2, "text"), "address.lines[2].text"),
        (("query", "limit"), "limit"),
        (("header", "Idempotency-Key"), "Idempotency-Key"),
        (("body",), "body"),
        ((), "body"),
    ],
)
def test_field_path_reads_like_the_request(location, path):
    assert field_path(location) == path
