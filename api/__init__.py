"""yide's HTTP API (Litestar): thin controllers that translate HTTP to domain service calls."""
