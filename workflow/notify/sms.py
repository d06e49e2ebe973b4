"""SMS gateways behind :class:`workflow.runtime.SmsGateway`.

A deployment plugs in its operator's gateway (阿里云短信, 腾讯云短信, a hospital's own SMS cat …)
by implementing ``send``; yide ships the development gateway (outbox table + console) and the fake
the tests read.
"""

from __future__ import annotations

import logging

from workflow.db import write_transaction
from workflow.notify.tables import SmsOutbox

log = logging.getLogger("yide.sms")


class DevSmsGateway:
    """Writes every message to the ``sms_outbox`` table and the console; sends nothing."""

    name = "dev"

    async def send(self, phone: str, text: str) -> None:
        async with write_transaction():
            await SmsOutbox.insert(SmsOutbox(phone=phone, text=text))
        log.warning("SMS to %s: %s", phone, text)


class FakeSmsGateway:
    """Keeps messages in memory for tests; ``last_code`` reads the newest one-time code for a phone."""

    name = "fake"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))

    def last_code(self, phone: str) -> str:
        for to, text in reversed(self.sent):
            if to == phone:
                return "".join(ch for ch in text if ch.isdigit())[:6]
        raise LookupError(f"no message to {phone}")
