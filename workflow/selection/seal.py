"""The seal: one manifest listing every accepted ballot with its disposition and weight.

Sealing fixes the ballot set at close (Sequent's ballot-box seal): the manifest is RFC 8785 JSON
``{"campaign", "domain": "yide/seal/v1", "entries": [{"channel", "disposition", "tracking_code",
"weight"}…], "rules", "totals": […]}`` with entries sorted by tracking code; its SHA-256 is signed
into the ledger, and the tally reads only ballots the manifest marks ``counted``. A voter finds
their tracking code in it; an auditor recomputes it from the ledger with :func:`verify_seal`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import ClassVar

import msgspec

from workflow.errors import DomainError, ErrorKind
from workflow.selection.ballot import Channel
from workflow.selection.common import canonical_json
from workflow.selection.revote import CastBallot, Disposition, Resolution, resolve
from workflow.selection.rules import CampaignRules, rules_hash
from workflow.signing import sha256

SEAL_DOMAIN = "yide/seal/v1"


class SealEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    tracking_code: str
    channel: Channel
    disposition: Disposition
    weight: int


class SealTotal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Ballots and summed weight per (channel, disposition); lets a reader check counts at a glance."""

    channel: Channel
    disposition: Disposition
    ballots: int
    weight: int


class SealManifest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    domain: str
    campaign: str
    rules: str
    entries: tuple[SealEntry, ...]
    totals: tuple[SealTotal, ...]

    def counted(self) -> frozenset[str]:
        """Tracking codes the tally may read."""
        return frozenset(e.tracking_code for e in self.entries if e.disposition is Disposition.COUNTED)


class SealMismatch(DomainError):
    """A seal does not match what the ledger implies; ``check`` names the failed check."""

    kind: ClassVar[ErrorKind] = ErrorKind.CONFLICT
    code: ClassVar[str] = "seal-mismatch"
    title: ClassVar[str] = "The seal does not match the ballots"

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(detail, check=check)
        self.check = check


def build_seal(campaign: str, rules_digest: bytes, resolutions: Iterable[Resolution]) -> SealManifest:
    """The manifest for these dispositions (sorted by tracking code, totals derived)."""
    entries = tuple(
        SealEntry(r.tracking_code, r.channel, r.disposition, r.weight)
        for r in sorted(resolutions, key=lambda r: r.tracking_code)
    )
    return SealManifest(SEAL_DOMAIN, campaign, rules_digest.hex(), entries, _totals(entries))


def seal_bytes(manifest: SealManifest) -> bytes:
    return canonical_json(manifest)


def seal_hash(manifest: SealManifest) -> bytes:
    return sha256(seal_bytes(manifest))


def verify_seal(
    data: bytes,
    *,
    expected_hash: bytes,
    campaign: str,
    rules: CampaignRules,
    ballots: Sequence[CastBallot],
    disqualified: frozenset[str] = frozenset(),
    revoked_voters: frozenset[str] = frozenset(),
) -> SealManifest:
    """Recompute the seal from the ledger's accepted ballots and compare, check by check.

    Checks, in order: ``decode``, ``canonical``, ``hash``, ``domain``, ``campaign``, ``rules``,
    ``order``, ``entries``, ``totals``. Raises :class:`SealMismatch` naming the first that fails.
    """
    try:
        manifest = msgspec.json.decode(data, type=SealManifest)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise SealMismatch("decode", str(error)) from error
    if seal_bytes(manifest) != data:
        raise SealMismatch("canonical", "the manifest is not in RFC 8785 canonical form")
    if sha256(data) != expected_hash:
        raise SealMismatch("hash", "the manifest hash differs from the sealed hash")
    _same("domain", manifest.domain, SEAL_DOMAIN)
    _same("campaign", manifest.campaign, campaign)
    _same("rules", manifest.rules, rules_hash(rules).hex())
    codes = [e.tracking_code for e in manifest.entries]
    if any(a >= b for a, b in pairwise(codes)):
        raise SealMismatch("order", "entries are not strictly sorted by tracking code")
    expected = build_seal(
        campaign,
        rules_hash(rules),
        resolve(ballots, rules, disqualified=disqualified, revoked_voters=revoked_voters),
    )
    if manifest.entries != expected.entries:
        raise SealMismatch("entries", _first_difference(manifest.entries, expected.entries))
    if manifest.totals != expected.totals:
        raise SealMismatch("totals", "totals do not add up to the entries")
    return manifest


def _same(check: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise SealMismatch(check, f"{check} is {actual!r}, expected {expected!r}")


def _totals(entries: Sequence[SealEntry]) -> tuple[SealTotal, ...]:
    ballots: Counter[tuple[Channel, Disposition]] = Counter()
    weights: Counter[tuple[Channel, Disposition]] = Counter()
    for e in entries:
        ballots[(e.channel, e.disposition)] += 1
        weights[(e.channel, e.disposition)] += e.weight
    return tuple(SealTotal(c, d, ballots[(c, d)], weights[(c, d)]) for c, d in sorted(ballots))


def _first_difference(actual: Sequence[SealEntry], expected: Sequence[SealEntry]) -> str:
    for a, e in zip(actual, expected, strict=False):
        if a != e:
            return f"entry {a.tracking_code} differs from the recomputed {e.tracking_code} ({e.disposition})"
    return f"{len(actual)} entries sealed, {len(expected)} recomputed"
