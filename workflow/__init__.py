"""yide's domain: workflows, rules and the ledger, free of any web framework.

Piccolo finds its engine through ``PICCOLO_CONF``; pointing it at our module here means every entry
point (CLI, server, tests, the bare ``piccolo`` tool) agrees on one database configuration.
"""

import os

os.environ.setdefault("PICCOLO_CONF", "workflow.piccolo_conf")
