"""One controller module per area; each handler names its operation_id and its one access rule."""
