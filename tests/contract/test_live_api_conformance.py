"""Schemathesis against the started local runtime: generated requests for every operation of the committed
schemas/openapi.json, signed in as a tenant owner. No response is a 5xx, and every response matches the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.running_product import REPO_ROOT, RunningProduct


@pytest.fixture(scope="module")
def product():
    running = RunningProduct.start("contract")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def owner(product):
    return product.new_tenant_owner()


@pytest.fixture(scope="module")
def api_schema():
    return schemathesis.openapi.from_path(REPO_ROOT / "schemas" / "openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_every_response_matches_the_schema(case, product, owner):
    # The owner's real token replaces whatever credential schemathesis generated for the bearer scheme.
    case.headers = {**(case.headers or {}), **owner.authorization}
    case.call_and_validate(
        base_url=product.base_url,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
