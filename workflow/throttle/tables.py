from __future__ import annotations

from piccolo.columns import Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table


class RateCounter(Table):
    """How often ``key`` was hit in the window that started at ``window_start``."""

    id = Serial(primary_key=True)
    key = Varchar(length=200, unique=True)  # "<purpose>:<subject>:<window number>"
    hits = Integer(default=0)
    window_start = Timestamptz()
