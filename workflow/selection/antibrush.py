"""Anti-brushing (防刷票) report over accepted public ballots: patterns for the organizer to judge.

Detection never voids a ballot by itself: the organizer reads the findings and evidence, and may
disqualify ballots with a logged reason (they then keep their place in the ledger with the
``disqualified`` disposition). Three patterns from the seed practice (芜湖, 黄石, 感动重庆):

* ``burst``: at least ``burst_count`` ballots for one candidate within ``burst_seconds``;
* ``shared_ip``: one IP hash used by at least ``phones_per_ip`` distinct phones in one China day;
* ``shared_device``: one device-fingerprint hash behind at least ``phones_per_device`` phones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from workflow.selection.common import china_day


class PublicObservation(msgspec.Struct, frozen=True):
    """What the service recorded about an accepted public ballot (hashes only, never raw values)."""

    tracking_code: str
    at: datetime
    choices: tuple[str, ...]
    phone_hash: str
    ip_hash: str
    device_hash: str | None = None


class Thresholds(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Tunable by the organizer per report; defaults flag clear outliers, not busy hospitals."""

    burst_count: Annotated[int, msgspec.Meta(ge=2, le=100_000)] = 30
    burst_seconds: Annotated[int, msgspec.Meta(ge=1, le=86_400)] = 60
    phones_per_ip: Annotated[int, msgspec.Meta(ge=2, le=100_000)] = 20
    phones_per_device: Annotated[int, msgspec.Meta(ge=2, le=1000)] = 3


class FindingKind(StrEnum):
    BURST = "burst"
    SHARED_IP = "shared_ip"
    SHARED_DEVICE = "shared_device"


class Finding(msgspec.Struct, frozen=True):
    """One suspicious pattern and the ballots that make it up."""

    kind: FindingKind
    subject: str
    """The candidate (burst), ``ip_hash@day`` (shared_ip) or the device hash (shared_device)."""
    ballots: int
    phones: int
    first_at: datetime
    last_at: datetime
    tracking_codes: tuple[str, ...]
    summary_zh: str
    summary_en: str


def detect(
    observations: Iterable[PublicObservation], thresholds: Thresholds | None = None
) -> tuple[Finding, ...]:
    """All findings, sorted by kind, time and subject; the same input always gives the same report."""
    t = thresholds or Thresholds()
    seen = sorted(observations, key=lambda o: (o.at, o.tracking_code))
    findings = [*_bursts(seen, t), *_shared_ips(seen, t), *_shared_devices(seen, t)]
    return tuple(sorted(findings, key=lambda f: (f.kind, f.first_at, f.subject)))


def _bursts(seen: Sequence[PublicObservation], t: Thresholds) -> list[Finding]:
    by_candidate: dict[str, list[PublicObservation]] = defaultdict(list)
    for o in seen:
        for c in o.choices:
            by_candidate[c].append(o)
    findings = []
    for candidate, rows in sorted(by_candidate.items()):
        for span in _burst_spans(rows, t):
            zh = f"候选人 {candidate} 在 {t.burst_seconds} 秒内集中获得 {len(span)} 票"
            en = f"{len(span)} ballots for {candidate} within {t.burst_seconds} s windows"
            findings.append(_finding(FindingKind.BURST, candidate, span, zh, en))
    return findings


def _burst_spans(rows: Sequence[PublicObservation], t: Thresholds) -> list[list[PublicObservation]]:
    """Maximal runs of ballots each inside some window of ``burst_seconds`` holding ``burst_count``."""
    marked = [False] * len(rows)
    start = 0
    for end, row in enumerate(rows):
        while (row.at - rows[start].at).total_seconds() > t.burst_seconds:
            start += 1
        if end - start + 1 >= t.burst_count:
            marked[start : end + 1] = [True] * (end - start + 1)
    spans: list[list[PublicObservation]] = []
    for i, row in enumerate(rows):
        if not marked[i]:
            continue
        if spans and marked[i - 1] and (row.at - spans[-1][-1].at).total_seconds() <= t.burst_seconds:
            spans[-1].append(row)
        else:
            spans.append([row])
    return spans


def _shared_ips(seen: Sequence[PublicObservation], t: Thresholds) -> list[Finding]:
    groups: dict[str, list[PublicObservation]] = defaultdict(list)
    for o in seen:
        groups[f"{o.ip_hash}@{china_day(o.at).isoformat()}"].append(o)
    findings = []
    for subject, rows in sorted(groups.items()):
        phones = len({o.phone_hash for o in rows})
        if phones >= t.phones_per_ip:
            zh, en = (
                f"同一网络地址当日有 {phones} 个手机号投票",
                f"{phones} phones voted from one IP in one day",
            )
            findings.append(_finding(FindingKind.SHARED_IP, subject, rows, zh, en))
    return findings


def _shared_devices(seen: Sequence[PublicObservation], t: Thresholds) -> list[Finding]:
    groups: dict[str, list[PublicObservation]] = defaultdict(list)
    for o in seen:
        if o.device_hash:
            groups[o.device_hash].append(o)
    findings = []
    for subject, rows in sorted(groups.items()):
        phones = len({o.phone_hash for o in rows})
        if phones >= t.phones_per_device:
            zh, en = f"同一设备使用了 {phones} 个手机号投票", f"one device fingerprint used {phones} phones"
            findings.append(_finding(FindingKind.SHARED_DEVICE, subject, rows, zh, en))
    return findings


def _finding(kind: FindingKind, subject: str, rows: Sequence[PublicObservation], zh: str, en: str) -> Finding:
    return Finding(
        kind=kind,
        subject=subject,
        ballots=len(rows),
        phones=len({o.phone_hash for o in rows}),
        first_at=rows[0].at,
        last_at=rows[-1].at,
        tracking_codes=tuple(o.tracking_code for o in rows),
        summary_zh=zh,
        summary_en=en,
    )
