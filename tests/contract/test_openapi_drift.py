"""schemas/openapi.json is generated from the code; this fails when the committed file drifts."""

import json
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas" / "openapi.json"


@pytest.fixture(scope="module")
def generator():
    loader = SourceFileLoader("generate_openapi", str(ROOT / "scripts" / "generate-openapi"))
    module = module_from_spec(spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(generator) -> str:
    return generator.render()


def test_committed_openapi_matches_the_code(generated):
    # Given the schema generated in-process from every API function's routes (functions.api.whole_api)
    # When compared with the committed file
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    # Then they are identical
    assert committed == generated, "schemas/openapi.json is out of date: run scripts/generate-openapi and commit it"


def test_every_operation_but_the_public_ones_requires_a_bearer(generated):
    from servicejob.deployment_spec import PUBLIC_ROUTES

    schema = json.loads(generated)
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearer"]["description"],
    }
    operations = [(method.upper(), path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert operations
    for method, path, operation in operations:
        expected = [] if (method, path) in PUBLIC_ROUTES else [{"bearer": []}]
        assert operation["security"] == expected, (method, path)


def test_every_operation_documents_a_success_and_problem_responses(generated):
    # Given the generated schema (Powertools omits the success response when a route passes `responses=`
    # without one: use functions.api.openapi_docs.responses(status, description))
    schema = json.loads(generated)
    # When looking for operations without a 2xx response or with a 422 that is not a problem
    missing_success, non_problem = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not any(status.startswith("2") for status in operation["responses"]):
                missing_success.append(f"{method.upper()} {path}")
            if "application/problem+json" not in operation["responses"].get("422", {}).get("content", {}):
                non_problem.append(f"{method.upper()} {path}")
    # Then there are none
    assert missing_success == [], "no 2xx response documented; use openapi_docs.responses(status, description)"
    assert non_problem == [], "422 not documented as application/problem+json"
