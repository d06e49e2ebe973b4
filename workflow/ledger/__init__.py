"""The ledger core: RFC 9162 Merkle trees, C2SP signed notes and checkpoints, and tlog-tiles layout.

Everything here is pure computation over bytes, so an auditor's offline verifier and the server share
one implementation; storage and HTTP live elsewhere and call these functions.
"""
