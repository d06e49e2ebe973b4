"""Voting: the public credential list, phone codes, ballot ingest, turnout, anti-brushing.

Ballot ingest follows the measured baseline (../shared/baselines/ingest): decoding and the Ed25519
check happen in the request, outside any transaction; the rest goes through a per-worker
:class:`~workflow.selection.sequencer.Sequencer` that commits every ballot that arrived within a
couple of milliseconds in one transaction, with one ledger entry per ballot (accepted or rejected),
and answers each request only after that commit. The campaign row is locked first in every batch,
so batches of different workers queue, each sees every ballot committed before it, and duplicate or
concurrent submissions leave exactly what the revote policy and the daily caps allow.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import weakref
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from workflow.accounts.roles import Principal
from workflow.db import insert_many, read_transaction, write_transaction
from workflow.errors import Conflict, InvalidInput, NotFound, RateLimited
from workflow.ledger.events import EventType
from workflow.ledger.service import Appended, Record, append_many
from workflow.ledger.tables import LedgerEntry
from workflow.runtime import Runtime
from workflow.selection import external
from workflow.selection.antibrush import PublicObservation, Thresholds, detect
from workflow.selection.ballot import (
    NONCE_BYTES,
    AcceptedBallot,
    BallotIn,
    BallotRejected,
    CampaignFacts,
    Channel,
    CredentialStatus,
    ParsedBallot,
    PublicBallotIn,
    PublicVoterFacts,
    RejectReason,
    StaffVoterFacts,
    check_ballot,
    check_public_ballot,
    normalise_phone,
    parse_ballot,
    phone_hash,
    public_ballot_record,
    tracking_code,
    verify_signature,
)
from workflow.selection.common import b64u_decode, china_day
from workflow.selection.credentials import (
    PublicCredential,
    check_public_list,
    key_id,
    public_list_hash,
    sort_public_list,
)
from workflow.selection.otp import (
    CodeRejected,
    VoteToken,
    code_hash,
    code_matches,
    issue_token,
    network_hash,
    new_code,
    read_token,
)
from workflow.selection.records import (
    ballot_candidates,
    get_campaign,
    iso,
    log,
    log_many,
    rules_of,
    scope_of,
    voting_window,
)
from workflow.selection.rules import LiveResults
from workflow.selection.sequencer import Sequencer
from workflow.selection.states import CampaignState
from workflow.selection.tables import Ballot, Campaign, PhoneCode, VoterCredential
from workflow.settings import SelectionSettings
from workflow.throttle import service as throttle

S = CampaignState
BEFORE_VOTING = (S.draft, S.nomination_open, S.nomination_closed, S.under_review, S.shortlist_frozen)
UNTIL_SEAL = (*BEFORE_VOTING, S.voting_open, S.voting_paused, S.voting_closed)
LIST_CHUNK = 500


# --- the public credential list ------------------------------------------------------------------


async def publish_credentials(
    rt: Runtime, p: Principal, campaign_id: int, entries: list[PublicCredential]
) -> dict[str, Any]:
    """Store the credential authority's public list L and log it in full (in parts) before voting."""
    if not entries:
        raise InvalidInput("the list is empty", field="credentials")
    for entry in entries:
        try:
            b64u_decode(entry.public_key, size=32)
        except InvalidInput:
            raise InvalidInput("a public key is not 32 bytes of base64url", field="credentials") from None
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        if row.status not in BEFORE_VOTING:
            raise Conflict("the credential list is published before voting opens", state=row.status)
        if await VoterCredential.exists().where(VoterCredential.campaign == row.id):
            raise Conflict("the list is already published; revoke and reissue single credentials instead")
        staff = rules_of(row).channels.staff
        if not staff.enabled:
            raise Conflict("the staff channel is not enabled in this campaign's rules")
        ordered = sort_public_list(entries)
        check_public_list(ordered, max_weight=staff.max_weight if staff.weighted else 1)
        for i in range(0, len(ordered), LIST_CHUNK):
            await VoterCredential.insert(
                *[
                    VoterCredential(
                        campaign=row.id,
                        public_key=e.public_key,
                        key_id=key_id(b64u_decode(e.public_key)),
                        weight=e.weight,
                        created_at=now,
                    )
                    for e in ordered[i : i + LIST_CHUNK]
                ]
            )
        parts = (len(ordered) + LIST_CHUNK - 1) // LIST_CHUNK
        records = [
            Record(
                EventType.CREDENTIALS_PUBLISHED,
                p.ledger_actor,
                {
                    "part": n + 1,
                    "parts": parts,
                    "credentials": [
                        [e.public_key, e.weight] for e in ordered[n * LIST_CHUNK : (n + 1) * LIST_CHUNK]
                    ],
                },
            )
            for n in range(parts)
        ]
        digest = public_list_hash(row.uid, ordered).hex()
        records.append(
            Record(
                EventType.CREDENTIAL_LIST_COMPLETE,
                p.ledger_actor,
                {"count": len(ordered), "total_weight": sum(e.weight for e in ordered), "list_hash": digest},
            )
        )
        await log_many(row.id, records, at=now)
    return {"count": len(ordered), "total_weight": sum(e.weight for e in ordered), "list_hash": digest}


async def _credential(campaign_id: int, kid: str) -> VoterCredential:
    row = (
        await VoterCredential.objects()
        .where((VoterCredential.campaign == campaign_id) & (VoterCredential.key_id == kid))
        .first()
    )
    if row is None:
        raise NotFound("no credential with this key id")
    return row


async def revoke_credential(
    rt: Runtime, p: Principal, campaign_id: int, kid: str, *, reason: str
) -> dict[str, Any]:
    """Void a lost credential: its ballots stop counting at the seal; logged."""
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        if row.status not in UNTIL_SEAL:
            raise Conflict("credentials can be revoked until the seal", state=row.status)
        credential = await _credential(row.id, kid)
        if credential.revoked:
            raise Conflict("the credential is already revoked")
        await _revoke(row, credential, p, reason, now)
    return credential_view(credential)


async def _revoke(
    row: Campaign, credential: VoterCredential, p: Principal, reason: str, now: datetime
) -> None:
    credential.revoked, credential.revoked_at = True, now
    await credential.save([VoterCredential.revoked, VoterCredential.revoked_at])
    await log(
        row.id,
        EventType.CREDENTIAL_REVOKED,
        p.ledger_actor,
        {"key_id": credential.key_id, "public_key": credential.public_key, "reason": reason[:200]},
        at=now,
    )


async def reissue_credential(
    rt: Runtime, p: Principal, campaign_id: int, kid: str, *, public_key: str, reason: str
) -> dict[str, Any]:
    """Revoke a lost credential (if not yet) and publish its replacement with the same weight."""
    raw = b64u_decode(public_key, size=32)
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        if row.status not in UNTIL_SEAL or row.status == S.voting_closed:
            raise Conflict("credentials can be reissued until voting closes", state=row.status)
        old = await _credential(row.id, kid)
        if await VoterCredential.exists().where(
            (VoterCredential.campaign == row.id) & (VoterCredential.public_key == public_key)
        ):
            raise Conflict("this public key is already on the list")
        if await VoterCredential.exists().where(
            (VoterCredential.campaign == row.id) & (VoterCredential.replaces == kid)
        ):
            raise Conflict("this credential was already reissued")
        if not old.revoked:
            await _revoke(row, old, p, reason, now)
        new = VoterCredential(
            campaign=row.id,
            public_key=public_key,
            key_id=key_id(raw),
            weight=old.weight,
            replaces=kid,
            created_at=now,
        )
        await new.save()
        await log(
            row.id,
            EventType.CREDENTIAL_ISSUED,
            p.ledger_actor,
            {"key_id": new.key_id, "public_key": public_key, "weight": new.weight, "replaces": kid},
            at=now,
        )
    return credential_view(new)


def credential_view(c: VoterCredential) -> dict[str, Any]:
    return {
        "public_key": c.public_key,
        "key_id": c.key_id,
        "weight": c.weight,
        "revoked": c.revoked,
        "replaces": c.replaces or None,
    }


async def public_credentials(campaign_id: int) -> list[dict[str, Any]]:
    row = await get_campaign(campaign_id)
    if row.status == S.draft:
        raise NotFound("no such campaign")
    rows = (
        await VoterCredential.objects()
        .where(VoterCredential.campaign == campaign_id)
        .order_by(VoterCredential.public_key)
    )
    return [credential_view(r) for r in rows]


# --- ballot ingest ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffItem:
    campaign_id: int
    parsed: ParsedBallot | None
    rejected: BallotRejected | None
    signature_ok: bool
    ballot: dict[str, Any] | None = None
    """The signed ballot as a JSON object and the credential's key id, prepared in the request so
    the batch's write transaction does no decoding."""
    actor: str = "anonymous"
    client: str = ""
    """The sender's address: rejections are counted per address (never stored raw)."""


@dataclass(frozen=True, slots=True)
class PublicItem:
    campaign_id: int
    choices: tuple[str, ...]
    phone_hash: str
    client: str
    device: str | None
    """Raw address and fingerprint: kept in memory only, hashed with the campaign's salt in the batch."""
    nonce: bytes | None = None
    """Derived from the page's request id: the same request twice is the same ballot (see
    ``request_nonce``), so a retry after a lost answer gets the first receipt, not a second ballot."""


Item = StaffItem | PublicItem


@dataclass(frozen=True, slots=True)
class _Known:
    uid: str


@dataclass(slots=True)
class _Facts:
    version: int
    facts: CampaignFacts


class Ingest:
    """One worker's ballot ingest: campaign facts cached by version, one sequencer per event loop."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.known: dict[int, _Known] = {}
        self.facts: dict[int, _Facts] = {}
        self._sequencers: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, Sequencer[Item, dict[str, Any]]
        ] = weakref.WeakKeyDictionary()

    def sequencer(self) -> Sequencer[Item, dict[str, Any]]:
        loop = asyncio.get_running_loop()
        found = self._sequencers.get(loop)
        if found is None:
            settings = self.rt.settings.selection
            found = Sequencer(
                self._process, window_seconds=settings.batch_window_ms / 1000, max_batch=settings.batch_max
            )
            self._sequencers[loop] = found
        return found

    async def campaign(self, campaign_id: int) -> _Known:
        known = self.known.get(campaign_id)
        if known is None:
            async with read_transaction():
                row = await get_campaign(campaign_id)
            if row.status == S.draft:
                raise NotFound("no such campaign")
            known = _Known(row.uid)
            self.known[campaign_id] = known
        return known

    async def _campaign_facts(self, row: Campaign) -> CampaignFacts:
        cached = self.facts.get(row.id)
        voting_open = row.status == S.voting_open
        if cached is None or cached.version != row.version or cached.facts.campaign != row.uid:
            opens, closes = voting_window(row)
            cached = _Facts(
                row.version,
                CampaignFacts.build(
                    campaign=row.uid,
                    rules=rules_of(row),
                    candidates=await ballot_candidates(row.id),
                    voting_open=voting_open,
                    opens_at=opens,
                    closes_at=closes,
                ),
            )
            self.facts[row.id] = cached
        return cached.facts

    async def _process(self, items: Sequence[Item]) -> list[dict[str, Any] | BaseException]:
        outcomes: list[dict[str, Any] | BaseException] = [InvalidInput("not processed")] * len(items)
        done: list[tuple[int, Appended, AcceptedBallot | None]] = []
        now = self.rt.clock.now()
        groups: dict[int, list[int]] = defaultdict(list)
        for i, item in enumerate(items):
            groups[item.campaign_id].append(i)
        async with write_transaction():
            for campaign_id, indices in groups.items():
                done += await self._commit_campaign(
                    campaign_id, [(i, items[i]) for i in indices], outcomes, now
                )
        for i, appended, accepted in done:
            if accepted is not None:
                outcomes[i] = _receipt(self.rt, items[i].campaign_id, appended, accepted)
        return outcomes

    async def _replays(
        self, campaign_id: int, facts: CampaignFacts, batch: list[tuple[int, Item]], day: date
    ) -> dict[int, dict[str, Any]]:
        """Public ballots whose request was already logged (a retry): their stored receipts."""
        expected = {
            code: id(item) for _, item in batch if (code := _request_code(facts, item, day)) is not None
        }
        if not expected:
            return {}
        found = await Ballot.select(Ballot.tracking_code, Ballot.ledger_index, Ballot.weight).where(
            (Ballot.campaign == campaign_id) & Ballot.tracking_code.is_in(list(expected))
        )
        replays = {}
        for row in found:
            entry = (
                await LedgerEntry.select(LedgerEntry.body, LedgerEntry.leaf_hash)
                .where(
                    (LedgerEntry.scope.name == scope_of(campaign_id))
                    & (LedgerEntry.idx == row["ledger_index"])
                )
                .first()
            )
            assert entry is not None, "an accepted ballot is always logged"
            body = entry["body"].encode()
            appended = Appended(
                scope_of(campaign_id), row["ledger_index"], bytes.fromhex(entry["leaf_hash"]), body,
                json.loads(body)["time"],
            )  # fmt: skip
            replays[expected[row["tracking_code"]]] = _receipt_of(
                self.rt, campaign_id, appended, code=row["tracking_code"], channel=Channel.PUBLIC,
                weight=int(row["weight"]),
            )  # fmt: skip
        return replays

    async def _commit_campaign(
        self,
        campaign_id: int,
        batch: list[tuple[int, Item]],
        outcomes: list[dict[str, Any] | BaseException],
        now: datetime,
    ) -> list[tuple[int, Appended, AcceptedBallot | None]]:
        row = await get_campaign(campaign_id, lock=True)
        known = self.known.get(campaign_id)
        if known is not None and known.uid != row.uid:  # the id names another campaign now (tests)
            self.known.pop(campaign_id)
        facts = replace(await self._campaign_facts(row), voting_open=row.status == S.voting_open)
        credentials, prior = await _staff_voters(campaign_id, batch)
        day = china_day(now)
        nets, phones, ips = await _public_senders(row, batch, day)
        senders = await _Senders.load(campaign_id, batch, self.rt.settings.selection, now)
        replays = await self._replays(campaign_id, facts, batch, day)
        codes: set[str] = set()
        records: list[Record] = []
        placed: list[tuple[int, AcceptedBallot | None, Item]] = []
        for index, item in batch:
            if senders.flooding(item):
                outcomes[index] = _flooding()
                continue
            if id(item) in replays:
                outcomes[index] = replays[id(item)]
                continue
            try:
                if _request_code(facts, item, day) in codes:  # the same request twice in one batch
                    raise BallotRejected(RejectReason.DUPLICATE_BALLOT)
                if isinstance(item, StaffItem):
                    if item.rejected is not None:
                        raise item.rejected
                    assert item.parsed is not None
                    key = item.parsed.payload.credential
                    accepted = check_ballot(
                        item.parsed,
                        campaign=facts,
                        voter=StaffVoterFacts(credentials.get(key), frozenset(prior[key])),
                        now=now,
                        signature_ok=item.signature_ok,
                    )
                    prior[key].add(accepted.tracking_code)
                else:
                    accepted = check_public_ballot(
                        PublicBallotIn(choices=item.choices),
                        campaign=facts,
                        voter=PublicVoterFacts(
                            item.phone_hash, phones[item.phone_hash], ips[nets[id(item)][0]]
                        ),
                        now=now,
                        nonce=item.nonce,
                    )
                    codes.add(accepted.tracking_code)
                    phones[item.phone_hash] += 1
                    ips[nets[id(item)][0]] += 1
                records.append(_accepted_record(accepted, item))
                placed.append((index, accepted, item))
            except BallotRejected as rejection:
                outcomes[index] = rejection
                records.append(_rejected_record(item, rejection))
                placed.append((index, None, item))
                senders.rejected(item)
        await senders.save(now)
        appended = await append_many(scope_of(campaign_id), records, at=now)
        await _insert_ballots(
            [
                _ballot_row(campaign_id, accepted, nets.get(id(item), (None, None)), a.index)
                for (_, accepted, item), a in zip(placed, appended, strict=True)
                if accepted is not None
            ]
        )
        return [(index, a, accepted) for (index, accepted, _), a in zip(placed, appended, strict=True)]


REJECTIONS = "ballot-rejections"
"""Throttle purpose: rejected staff ballots per campaign and sender address, per hour."""


async def _staff_voters(
    campaign_id: int, batch: list[tuple[int, Item]]
) -> tuple[dict[str, CredentialStatus], dict[str, set[str]]]:
    """The batch's credentials as listed (weight, revoked) and the tracking codes each already cast."""
    staff = [item for _, item in batch if isinstance(item, StaffItem) and item.parsed is not None]
    keys = sorted({item.parsed.payload.credential for item in staff if item.parsed is not None})
    credentials: dict[str, CredentialStatus] = {}
    prior: dict[str, set[str]] = defaultdict(set)
    if keys:
        for r in await VoterCredential.select(
            VoterCredential.public_key, VoterCredential.weight, VoterCredential.revoked
        ).where((VoterCredential.campaign == campaign_id) & VoterCredential.public_key.is_in(keys)):
            credentials[r["public_key"]] = CredentialStatus(r["weight"], bool(r["revoked"]))
        for r in await Ballot.select(Ballot.voter, Ballot.tracking_code).where(
            (Ballot.campaign == campaign_id) & (Ballot.channel == Channel.STAFF) & Ballot.voter.is_in(keys)
        ):
            prior[r["voter"]].add(r["tracking_code"])
    return credentials, prior


@dataclass(slots=True)
class _Senders:
    """Rejected staff ballots per sender address this hour, read once per batch and saved with it."""

    campaign_id: int
    limit: int
    seen: Counter[str]
    new: Counter[str] = field(default_factory=Counter)

    @classmethod
    async def load(
        cls, campaign_id: int, batch: list[tuple[int, Item]], settings: SelectionSettings, now: datetime
    ) -> _Senders:
        subjects = sorted({f"{campaign_id}:{i.client}" for _, i in batch if isinstance(i, StaffItem)})
        seen = Counter(await throttle.counts(REJECTIONS, subjects, seconds=3600, now=now))
        return cls(campaign_id, settings.rejections_per_ip_per_hour, seen)

    def _subject(self, item: Item) -> str | None:
        return f"{self.campaign_id}:{item.client}" if isinstance(item, StaffItem) else None

    def flooding(self, item: Item) -> bool:
        subject = self._subject(item)
        return subject is not None and self.seen[subject] >= self.limit

    def rejected(self, item: Item) -> None:
        subject = self._subject(item)
        if subject is not None:
            self.seen[subject] += 1
            self.new[subject] += 1

    async def save(self, now: datetime) -> None:
        for subject, n in self.new.items():
            await throttle.add(REJECTIONS, subject, n, seconds=3600, now=now)


def _flooding() -> RateLimited:
    return RateLimited(
        "too many rejected ballots from this address; try again later",
        retry_after=3600,
        message_zh="您所在的网络提交的无效选票过多，已暂停接收，请一小时后再试。如有疑问请联系评选主办单位。",
    )


def _request_code(facts: CampaignFacts, item: Item, day: date) -> str | None:
    """The tracking code a public ballot sent with a request id will have (None without one)."""
    if not isinstance(item, PublicItem) or item.nonce is None:
        return None
    record = public_ballot_record(
        campaign=facts, choices=item.choices, phone=item.phone_hash, day=day, nonce=item.nonce
    )
    return tracking_code(record)


async def _public_senders(
    row: Campaign, batch: list[tuple[int, Item]], day: date
) -> tuple[dict[int, tuple[str, str | None]], Counter[str], Counter[str]]:
    """Keyed hashes of each public item's address and device, and today's ballots per phone and per
    address so far: what the caps are checked against."""
    salt = bytes.fromhex(row.phone_salt)
    public = [item for _, item in batch if isinstance(item, PublicItem)]
    nets = {
        id(item): (
            network_hash(salt, row.uid, item.client),
            network_hash(salt, row.uid, "device:" + item.device) if item.device else None,
        )
        for item in public
    }
    phones: Counter[str] = Counter()
    ips: Counter[str] = Counter()
    if public:
        phones.update(await _counts(row.id, Ballot.voter, sorted({i.phone_hash for i in public}), day))
        ips.update(await _counts(row.id, Ballot.ip_hash, sorted({nets[id(i)][0] for i in public}), day))
    return nets, phones, ips


async def _counts(campaign_id: int, column: Any, values: list[str], day: Any) -> dict[str, int]:
    rows = await (
        Ballot.select(column.as_alias("subject"), Count(Ballot.id, alias="n"))
        .where(
            (Ballot.campaign == campaign_id)
            & (Ballot.channel == Channel.PUBLIC)
            & (Ballot.day == day)
            & column.is_in(values)
        )
        .group_by(column)
    )
    return {r["subject"]: int(r["n"]) for r in rows}


def _accepted_record(accepted: AcceptedBallot, item: Item) -> Record:
    if isinstance(item, StaffItem) and item.ballot is not None:
        ballot, actor = item.ballot, item.actor
    else:
        ballot, actor = msgspec.json.decode(accepted.record), "public-voter"
    return Record(
        EventType.BALLOT_ACCEPTED,
        actor,
        {
            "channel": str(accepted.channel),
            "ballot": ballot,
            "tracking_code": accepted.tracking_code,
            "weight": accepted.weight,
        },
    )


def _rejected_record(item: Item, rejection: BallotRejected) -> Record:
    payload: dict[str, Any] = {"reason": str(rejection.reason_code)}
    actor = "anonymous"
    if isinstance(item, StaffItem):
        payload["channel"] = "staff"
        actor = item.actor
        if item.parsed is not None:
            payload["tracking_code"] = item.parsed.tracking_code
    else:
        payload["channel"] = "public"
        actor = "public-voter"
    return Record(EventType.BALLOT_REJECTED, actor, payload)


_BALLOT_COLUMNS = (
    "campaign",
    "channel",
    "tracking_code",
    "voter",
    "weight",
    "choices",
    "day",
    "accepted_at",
    "ledger_index",
    "ip_hash",
    "device_hash",
    "disqualified",
    "disposition",
)


def _ballot_row(
    campaign_id: int, accepted: AcceptedBallot, hashes: tuple[str | None, str | None], index: int
) -> tuple[Any, ...]:
    return (
        campaign_id,
        str(accepted.channel),
        accepted.tracking_code,
        accepted.voter,
        accepted.weight,
        json.dumps(list(accepted.choices)),
        accepted.day,
        accepted.accepted_at,
        index,
        hashes[0],
        hashes[1],
        False,
        "",
    )


async def _insert_ballots(rows: list[tuple[Any, ...]]) -> None:
    """The batch's ballots in one prepared statement (Piccolo's per-row objects cost ~100 µs each)."""
    await insert_many(Ballot._meta.tablename, _BALLOT_COLUMNS, rows)


def _receipt(rt: Runtime, campaign_id: int, appended: Appended, accepted: AcceptedBallot) -> dict[str, Any]:
    return _receipt_of(
        rt,
        campaign_id,
        appended,
        code=accepted.tracking_code,
        channel=accepted.channel,
        weight=accepted.weight,
    )


def _receipt_of(
    rt: Runtime, campaign_id: int, appended: Appended, *, code: str, channel: Channel, weight: int
) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "tracking_code": code,
        "channel": str(channel),
        "weight": weight,
        "scope": appended.scope,
        "index": appended.index,
        "leaf_hash": appended.leaf_hash.hex(),
        "time": appended.time,
        "receipt": external.receipt_for(rt, appended),
    }


_INGESTS: dict[int, Ingest] = {}


def ingest_for(rt: Runtime) -> Ingest:
    """The worker's ingest for this runtime (one runtime, so one ingest, per process)."""
    found = _INGESTS.get(id(rt))
    if found is None or found.rt is not rt:
        found = _INGESTS[id(rt)] = Ingest(rt)
    return found


async def cast_staff_ballot(
    rt: Runtime, campaign_id: int, ballot: BallotIn, *, client: str = ""
) -> dict[str, Any]:
    """Verify, commit with the batch, log, and return the receipt; or raise the rejection (logged too).

    An address that has sent too many rejected ballots this hour gets 429 instead, unlogged: anyone
    may post ballots, and every logged rejection stays in the public log for good.
    """
    ingest = ingest_for(rt)
    await ingest.campaign(campaign_id)
    try:
        parsed = parse_ballot(ballot)
    except BallotRejected as rejection:
        item = StaffItem(campaign_id, None, rejection, False, client=client)
    else:
        item = StaffItem(
            campaign_id,
            parsed,
            None,
            verify_signature(parsed),
            msgspec.json.decode(parsed.record),
            f"credential:{key_id(parsed.public_key)}",
            client,
        )
    return await ingest.sequencer().submit(item)


# --- the public channel --------------------------------------------------------------------------


async def _public_campaign(campaign_id: int) -> Campaign:
    row = await get_campaign(campaign_id)
    if row.status == S.draft:
        raise NotFound("no such campaign")
    if not rules_of(row).channels.public.enabled:
        raise Conflict(
            "this campaign has no public voting channel", reason_code=str(RejectReason.CHANNEL_CLOSED)
        )
    if row.status != S.voting_open:
        raise Conflict("voting is not open", reason_code=str(RejectReason.OUTSIDE_WINDOW), state=row.status)
    return row


async def request_code(rt: Runtime, campaign_id: int, *, phone: str, client: str) -> dict[str, Any]:
    """Send a one-time code to a phone (throttled per phone and per address)."""
    settings = rt.settings.selection
    number = normalise_phone(phone)
    now = rt.clock.now()
    code = new_code()
    async with write_transaction():  # one transaction: on SQLite each one is a new connection
        row = await _public_campaign(campaign_id)
        phone_id = phone_hash(number, campaign=row.uid, salt=bytes.fromhex(row.phone_salt))
        per_phone = await throttle.hit("otp-phone", f"{campaign_id}:{phone_id}", seconds=3600, now=now)
        per_ip = await throttle.hit("otp-ip", client, seconds=3600, now=now)
        if per_phone <= settings.otp_per_phone_per_hour and per_ip <= settings.otp_per_ip_per_hour:
            await PhoneCode.update({PhoneCode.used: True}).where(
                (PhoneCode.campaign == campaign_id)
                & (PhoneCode.phone_hash == phone_id)
                & PhoneCode.used.eq(False)
            )
            await PhoneCode.insert(
                PhoneCode(
                    campaign=campaign_id,
                    phone_hash=phone_id,
                    code_hash=code_hash(
                        rt.keys.session_secret(), campaign_id=campaign_id, phone_hash=phone_id, code=code
                    ),
                    expires_at=now + timedelta(minutes=settings.otp_minutes),
                    created_at=now,
                )
            )
    if per_phone > settings.otp_per_phone_per_hour:
        raise RateLimited(
            "too many codes for this phone number; try again later",
            retry_after=3600,
            message_zh="这个手机号获取验证码的次数过多，请一小时后再试。",
        )
    if per_ip > settings.otp_per_ip_per_hour:
        raise RateLimited(
            "too many codes requested from this address; try again later",
            retry_after=3600,
            message_zh="您所在的网络获取验证码的次数过多，请一小时后再试。",
        )
    await rt.sms.send(
        number,
        f"验证码 {code}（{settings.otp_minutes}分钟内有效），用于「{row.title}」网络投票，请勿告诉他人。",
    )
    return {"sent": True, "expires_in": settings.otp_minutes * 60}


async def verify_code(rt: Runtime, campaign_id: int, *, phone: str, code: str, client: str) -> dict[str, Any]:
    """Check a code; a correct one yields a short-lived voting token bound to the phone's hash."""
    settings = rt.settings.selection
    number = normalise_phone(phone)
    now = rt.clock.now()
    secret = rt.keys.session_secret()
    async with write_transaction():
        if (
            await throttle.hit("otp-verify-ip", client, seconds=3600, now=now)
            > settings.otp_per_ip_per_hour * 3
        ):
            raise RateLimited(
                "too many attempts from this address; try again later",
                retry_after=3600,
                message_zh="您所在的网络验证尝试次数过多，请一小时后再试。",
            )
        row = await _public_campaign(campaign_id)
        phone_id = phone_hash(number, campaign=row.uid, salt=bytes.fromhex(row.phone_salt))
        stored = (
            await PhoneCode.objects()
            .where(
                (PhoneCode.campaign == campaign_id)
                & (PhoneCode.phone_hash == phone_id)
                & PhoneCode.used.eq(False)
            )
            .order_by(PhoneCode.id, ascending=False)
            .first()
        )
        ok = False
        left = 0
        if stored is not None and now < stored.expires_at and stored.attempts < settings.otp_attempts:
            ok = code_matches(
                secret, campaign_id=campaign_id, phone_hash=phone_id, code=code, stored=stored.code_hash
            )
            stored.attempts += 1
            stored.used = ok or stored.attempts >= settings.otp_attempts
            left = settings.otp_attempts - stored.attempts
            await stored.save([PhoneCode.attempts, PhoneCode.used])
    if not ok:
        raise CodeRejected(
            "the code is wrong" if left else "no valid code for this number; request a new one",
            attempts_left=left,
        )
    expires = min(now + timedelta(minutes=settings.vote_token_minutes), voting_window(row)[1])
    token = issue_token(secret, VoteToken(campaign_id, phone_id, expires))
    return {"token": token, "expires_at": iso(expires)}


async def cast_public_ballot(
    rt: Runtime,
    campaign_id: int,
    *,
    token: str,
    choices: tuple[str, ...],
    device: str | None,
    client: str,
    request_id: str | None = None,
) -> dict[str, Any]:
    """A public-channel ballot. With a ``request_id`` the call is idempotent for that phone and day:
    sent again (the answer was lost), it returns the receipt of the ballot already logged."""
    ingest = ingest_for(rt)
    await ingest.campaign(campaign_id)
    secret = rt.keys.session_secret()
    claims = read_token(secret, token, campaign_id=campaign_id, now=rt.clock.now())
    nonce = request_nonce(secret, claims.phone_hash, request_id) if request_id else None
    item = PublicItem(campaign_id, tuple(choices), claims.phone_hash, client, device, nonce)
    return await ingest.sequencer().submit(item)


def request_nonce(secret: str, phone: str, request_id: str) -> bytes:
    """The logged ballot's nonce for a page's request id: keyed, so the nonce in the public log is
    not a value the sender chose (no covert marks), yet the same request always gives the same one."""
    message = b"yide/phone-request/v1\x00" + phone.encode() + b"\x00" + request_id.encode()
    return hmac.new(secret.encode(), message, "sha256").digest()[:NONCE_BYTES]


# --- during and after voting ---------------------------------------------------------------------


async def find_ballot(campaign_id: int, tracking_code: str) -> dict[str, Any]:
    """Find-my-ballot: where the ballot sits in the log and, after the seal, its disposition."""
    row = (
        await Ballot.select(
            Ballot.channel, Ballot.ledger_index, Ballot.accepted_at, Ballot.disposition, Ballot.disqualified
        )
        .where((Ballot.campaign == campaign_id) & (Ballot.tracking_code == tracking_code))
        .first()
    )
    if row is None:
        raise NotFound("no accepted ballot with this tracking code")
    return {
        "tracking_code": tracking_code,
        "channel": row["channel"],
        "scope": scope_of(campaign_id),
        "index": row["ledger_index"],
        "accepted_at": iso(row["accepted_at"]),
        "disposition": row["disposition"] or None,
    }


async def turnout(campaign_id: int) -> dict[str, Any]:
    """Voters per channel while voting, only if the rules allow it; never counts per candidate."""
    row = await get_campaign(campaign_id)
    if row.status == S.draft:
        raise NotFound("no such campaign")
    shown = rules_of(row).live_results is LiveResults.TURNOUT_ONLY or row.status not in (
        S.voting_open,
        S.voting_paused,
    )
    if not shown:
        return {"shown": False, "channels": []}
    rows = await Ballot.select(Ballot.channel, Ballot.voter).where(Ballot.campaign == campaign_id)
    voters: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        voters[r["channel"]].add(r["voter"])
    return {
        "shown": True,
        "channels": [{"channel": str(c), "voters": len(voters[str(c)])} for c in Channel],
    }


async def antibrush_report(campaign_id: int, thresholds: Thresholds) -> dict[str, Any]:
    await get_campaign(campaign_id)
    rows = await Ballot.select(
        Ballot.tracking_code,
        Ballot.accepted_at,
        Ballot.choices,
        Ballot.voter,
        Ballot.ip_hash,
        Ballot.device_hash,
    ).where((Ballot.campaign == campaign_id) & (Ballot.channel == Channel.PUBLIC))
    observations = [
        PublicObservation(
            r["tracking_code"],
            r["accepted_at"],
            tuple(json.loads(r["choices"])),
            r["voter"],
            r["ip_hash"] or "",
            r["device_hash"],
        )
        for r in rows
    ]
    findings = detect(observations, thresholds)
    return {
        "ballots": len(observations),
        "thresholds": msgspec.to_builtins(thresholds),
        "findings": [msgspec.to_builtins(f) for f in findings],
    }


async def disqualify_ballots(
    rt: Runtime, p: Principal, campaign_id: int, *, tracking_codes: list[str], reason: str
) -> dict[str, Any]:
    """Void ballots (e.g. confirmed brushing) with a logged reason; they stay in the ledger."""
    if not reason.strip():
        raise InvalidInput("say why the ballots are disqualified", field="reason")
    codes = sorted(set(tracking_codes))
    now = rt.clock.now()
    async with write_transaction():
        row = await get_campaign(campaign_id, lock=True)
        if row.status not in (S.voting_open, S.voting_paused, S.voting_closed):
            raise Conflict(
                "ballots are disqualified between the opening of the vote and the seal", state=row.status
            )
        found = await Ballot.select(Ballot.tracking_code, Ballot.disqualified).where(
            (Ballot.campaign == campaign_id) & Ballot.tracking_code.is_in(codes)
        )
        missing = sorted(set(codes) - {r["tracking_code"] for r in found})
        if missing:
            raise NotFound("no accepted ballot with these tracking codes", tracking_codes=missing[:20])
        fresh = sorted(r["tracking_code"] for r in found if not r["disqualified"])
        if not fresh:
            raise Conflict("these ballots are already disqualified")
        await Ballot.update({Ballot.disqualified: True}).where(
            (Ballot.campaign == campaign_id) & Ballot.tracking_code.is_in(fresh)
        )
        await log(
            row.id,
            EventType.BALLOTS_DISQUALIFIED,
            p.ledger_actor,
            {"tracking_codes": fresh, "count": len(fresh), "reason": reason[:500]},
            at=now,
        )
    return {"disqualified": len(fresh), "tracking_codes": fresh}
