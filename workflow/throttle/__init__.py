"""Counters in the database, so limits hold across workers and machines (no per-process memory)."""
