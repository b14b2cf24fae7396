"""Service Job CRM core: tenancy, auth, data access, domain services, events and notifications.

Shipped as a Lambda layer; every function imports from here and nowhere else for shared code.
"""
