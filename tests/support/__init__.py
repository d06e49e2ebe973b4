"""Helpers shared by tests: database reset, factories, signed-in clients."""
