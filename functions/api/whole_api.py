"""Every API function's routes in one resolver, never deployed: the one OpenAPI document of the whole API
(scripts/generate-openapi) and the check that the functions' prefixes cover it (tests/unit/test_api_functions)."""

from .resolver import api_app
from .routes import (
    accounts,
    activities,
    api_keys,
    assignment_rules,
    audit,
    collaboration,
    contacts,
    exports,
    import_mappings,
    imports,
    leads,
    me,
    notifications,
    opportunities,
    quotes,
    reports,
    sales_settings,
    tenants,
    users,
)

ROUTE_MODULES = (
    accounts,
    contacts,
    activities,
    api_keys,
    audit,
    tenants,
    users,
    me,
    notifications,
    leads,
    assignment_rules,
    opportunities,
    sales_settings,
    imports,
    import_mappings,
    exports,
    reports,
    collaboration,
    quotes,
)

app = api_app(ROUTE_MODULES)
