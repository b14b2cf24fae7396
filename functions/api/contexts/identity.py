"""The identity API function: signup and tenants, users, the caller's profile, API keys, notifications."""

from servicejob.deployment_spec import FUNCTIONS

from ..resolver import api_app, lambda_handler_for
from ..routes import api_keys, me, notifications, tenants, users

app = api_app((tenants, users, me, api_keys, notifications), FUNCTIONS["api-identity"])
lambda_handler = lambda_handler_for(app)
