"""Constructs shared by the stacks: service functions, their layers and environment, the tenant data role."""
