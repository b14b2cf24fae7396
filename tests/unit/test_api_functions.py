"""The API is one function per bounded context (deployment_spec.API_FUNCTIONS): every documented route is served
by exactly one of them, and each imports only its own route modules."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from local.lambda_dispatch import load_handler_module
from servicejob.deployment_spec import API_FUNCTIONS, api_function_for

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))
DOCUMENTED = {(method.upper(), path) for path, operations in OPENAPI["paths"].items() for method in operations}


def _routes(function_key: str) -> set[tuple[str, str]]:
    app = load_handler_module(API_FUNCTIONS[function_key]).app
    return {(route.method, route.openapi_path) for route in [*app._static_routes, *app._dynamic_routes]}  # noqa: SLF001


def test_the_functions_path_prefixes_are_disjoint():
    # Given every API function's prefixes
    owned = [(prefix, key) for key, spec in API_FUNCTIONS.items() for prefix in spec.path_prefixes]
    # When a prefix is compared with every other one
    overlapping = [
        (first, second)
        for first in owned
        for second in owned
        if first != second and (first[0] == second[0] or first[0].startswith(second[0] + "/"))
    ]
    # Then none lies under another (API Gateway would otherwise have two resources for one path)
    assert len(owned) == len({prefix for prefix, _ in owned})
    assert overlapping == []


def test_every_documented_route_is_served_by_exactly_one_function():
    # Given the one OpenAPI document of the whole API, and the routes each API function's resolver has
    served = {key: _routes(key) for key in API_FUNCTIONS}
    for method, path in sorted(DOCUMENTED):
        # When the route's function is picked by prefix, as API Gateway picks it
        function = api_function_for(path)
        assert function is not None, f"no API function's prefixes hold {path}"
        # Then that function has the route and no other one does
        assert (method, path) in served[function.key], f"{method} {path} is under {function.key} but not in it"
        others = [key for key, routes in served.items() if key != function.key and (method, path) in routes]
        assert others == [], f"{method} {path} is also in {others}"


def test_the_functions_together_serve_nothing_undocumented():
    served = set().union(*(_routes(key) for key in API_FUNCTIONS))
    assert served == DOCUMENTED


@pytest.mark.parametrize("function_key", sorted(API_FUNCTIONS))
def test_a_function_imports_no_other_contexts_route_modules(function_key):
    # Given the route modules with a router under this function's prefixes (shared ones, such as comments,
    # have routers under several functions' prefixes)
    from functions.api import whole_api

    spec = API_FUNCTIONS[function_key]
    own = {
        module.__name__
        for module in whole_api.ROUTE_MODULES
        if any(spec.serves(prefix) for prefix, _ in module.ROUTERS)
    }
    # When its handler module is imported in a fresh interpreter
    module = f"functions.{spec.folder}.{spec.handler.rsplit('.', 1)[0]}"
    code = (
        f"import sys, {module}; "
        "print('\\n'.join(name for name in sys.modules if name.startswith('functions.api.routes.')))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "core"), str(ROOT)])}
    imported = subprocess.run(  # noqa: S603 - our own interpreter and a fixed module name
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    # Then every route module it loaded is one of its own (or the shared conditional-request helpers)
    foreign = set(imported) - own - {"functions.api.routes.conditional"}
    assert foreign == set()
    assert own <= set(imported)
