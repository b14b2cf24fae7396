"""The sales API function: leads (assignment, conversion), opportunities, quotes, sales settings."""

from servicejob.deployment_spec import FUNCTIONS

from ..resolver import api_app, lambda_handler_for
from ..routes import assignment_rules, collaboration, leads, opportunities, quotes, sales_settings

app = api_app((leads, assignment_rules, opportunities, sales_settings, collaboration, quotes), FUNCTIONS["api-sales"])
lambda_handler = lambda_handler_for(app)
