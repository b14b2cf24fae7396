"""The CRM API function: accounts (duplicates, merge, scores, their opportunities), contacts, activities,
comments and follows."""

from servicejob.deployment_spec import FUNCTIONS

from ..resolver import api_app, lambda_handler_for
from ..routes import accounts, activities, collaboration, contacts, opportunities

app = api_app((accounts, contacts, activities, opportunities, collaboration), FUNCTIONS["api-crm"])
lambda_handler = lambda_handler_for(app)
