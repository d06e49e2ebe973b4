"""The annual 医德考评 and the 医德医风 file (一人一档): pure rules, policy and the declared state tables.

Nothing in this package touches a database, the clock or the network. Services load facts, call these
functions, and commit what they return; an auditor can re-run the same functions on an exported
bundle and must get the same scores and grades.
"""
