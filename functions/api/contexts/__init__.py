"""One module per API function (deployment_spec.API_FUNCTIONS): each imports only its own route modules."""
