"""The data API function: CSV imports and their column maps, exports, reports, the audit trail."""

from servicejob.deployment_spec import FUNCTIONS

from ..resolver import api_app, lambda_handler_for
from ..routes import audit, exports, import_mappings, imports, reports

app = api_app((imports, import_mappings, exports, reports, audit), FUNCTIONS["api-data"])
lambda_handler = lambda_handler_for(app)
