"""msgspec request and response types, one module per area (``XIn``/``XOut``/``XPatch`` families)."""
