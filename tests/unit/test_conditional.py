"""If-Match parsing: the ETag is the entity version; writes to versioned entities require it."""

import pytest

from functions.api.routes.conditional import etag, expected_version
from servicejob.errors import PreconditionRequired, ValidationFailed


@pytest.mark.parametrize(("header", "version"), [('"3"', 3), ('W/"3"', 3), ("3", 3), (' "12" ', 12)])
def test_accepted_forms(header, version):
    assert expected_version(header) == version


@pytest.mark.parametrize("header", [None, ""])
def test_missing_if_match_is_a_precondition_required(header):
    with pytest.raises(PreconditionRequired) as raised:
        expected_version(header)
    assert [error.field for error in raised.value.errors] == ["If-Match"]


@pytest.mark.parametrize("header", ["*", '"abc"', "W/", '"-1"', '"3", "4"', "3.0", '"٣"', "²"])
def test_garbage_is_a_validation_error_naming_if_match(header):
    with pytest.raises(ValidationFailed) as raised:
        expected_version(header)
    assert [error.field for error in raised.value.errors] == ["If-Match"]


def test_etag_round_trips_through_if_match():
    assert etag(5) == '"5"'
    assert expected_version(etag(5)) == 5
