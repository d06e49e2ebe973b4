"""The ledger: one append-only RFC 9162 Merkle log per scope, signed checkpoints, receipts."""
