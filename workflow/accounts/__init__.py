"""Accounts, role grants, login sessions and who may see what."""
