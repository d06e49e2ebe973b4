"""The organisation: regions, units, departments and their staff."""
