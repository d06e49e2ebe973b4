from __future__ import annotations

from piccolo.columns import Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class SmsOutbox(Table):
    """Messages the development gateway "sent": read them here instead of on a phone."""

    id = Serial(primary_key=True)
    phone = Varchar(length=20)
    text = Text()
    created_at = Timestamptz(default=TimestamptzNow())
