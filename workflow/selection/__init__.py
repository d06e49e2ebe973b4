"""The pure core of a 最美医生 selection: rules, eligibility, credentials, ballots, revotes, tally, seal.

Nothing here touches a database, the network or the clock: every function receives the facts it
needs and returns a value or raises a typed :mod:`workflow.errors` error. The service layer loads
facts, calls these functions and commits the result together with its ledger entries, and an
offline verifier can call the very same functions to re-derive every count from a bundle.
"""
