"""Holiday arrangements loaded by operators (``yide calendar load``), one row per year.

Kept in the database, not in a file under the data directory, so every worker and machine counts
working days on the same calendar.
"""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class HolidayYear(Table):
    id = Serial(primary_key=True)
    year = Integer(unique=True)
    data = Text()  # one year of the yide-holidays/1 format, as JSON
    source = Varchar(length=200, default="")
    sha256 = Varchar(length=64)
    loaded_by = Varchar(length=40, default="operator")
    loaded_at = Timestamptz(default=TimestamptzNow())
