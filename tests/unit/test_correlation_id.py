"""The correlation id a request carries into logs, stored items, audit records and events."""

import pytest

from functions.api.request_context import correlation_id_of


def _event(headers: dict[str, str]) -> dict:
    return {"headers": headers, "requestContext": {"requestId": "req-1"}}


@pytest.mark.parametrize("name", ["X-Correlation-Id", "x-correlation-id", "X-CORRELATION-ID"])
def test_a_clients_plain_correlation_id_is_kept_whatever_the_header_case(name):
    # Given a client's correlation id / When the API reads it / Then it is used as sent
    assert correlation_id_of(_event({name: "erp:order-42.1"})) == "erp:order-42.1"


@pytest.mark.parametrize("sent", ["", "a" * 129, "has space", "<script>", "換行"])
def test_a_missing_or_unsafe_correlation_id_is_replaced_by_the_request_id(sent):
    # Given a value that would be stored and logged verbatim / Then the gateway's request id is used
    assert correlation_id_of(_event({"X-Correlation-Id": sent})) == "req-1"


def test_no_headers_at_all_falls_back_to_the_request_id():
    assert correlation_id_of({"headers": None, "requestContext": {"requestId": "req-2"}}) == "req-2"
