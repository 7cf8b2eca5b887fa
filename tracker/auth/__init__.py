"""Accounts: registration, login, API tokens, the current user."""
