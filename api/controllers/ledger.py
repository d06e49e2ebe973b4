"""The ledger's read API, witness cosignatures and the C2SP tlog-tiles resources.

Reads are public: anyone may read and verify a public scope. Internal scopes answer only auditors;
for everyone else they do not exist (404), and their responses are never cacheable by shared caches.
"""

from __future__ import annotations

import gzip
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream

from api.access import PUBLIC, roles
from api.schemas.common import LimitParam
from api.schemas.ledger import (
    CheckpointOut,
    CheckpointPage,
    ConsistencyProofOut,
    CosignatureIn,
    EntryOut,
    EntryPage,
    InclusionProofOut,
    LedgerKeysOut,
    LedgerScopeOut,
    LogKeyOut,
    OptionalSizeParam,
    SizeParam,
    WitnessKeyIn,
    WitnessKeyOut,
)
from workflow.accounts.roles import Principal, Role
from workflow.ledger import reads, witnesses
from workflow.ledger.bundle import bundle_chunks, plan_bundle
from workflow.ledger.checkpoints import SignedCheckpoint, checkpoint_at
from workflow.ledger.scopes import Visibility
from workflow.ledger.store import readable_scope
from workflow.pagination import DEFAULT_LIMIT, decode_cursor, encode_cursor
from workflow.runtime import Runtime

TEXT = "text/plain"  # Litestar adds "; charset=utf-8"
TILE = "application/data"
IMMUTABLE = "max-age=31536000, immutable"


def _cache(visibility: Visibility, policy: str) -> dict[str, str]:
    """Public scopes may sit in any cache (CDNs, mirrors); internal ones only in the auditor's own."""
    scope = "public" if visibility == Visibility.PUBLIC else "private"
    return {"Cache-Control": f"{scope}, {policy}"}


def _note(checkpoint: SignedCheckpoint, visibility: Visibility) -> Response[str]:
    """A checkpoint note; the latest one changes as the log grows, so caches keep it seconds only."""
    policy = "max-age=5" if visibility == Visibility.PUBLIC else "no-store"
    return Response(checkpoint.text(), media_type=TEXT, headers=_cache(visibility, policy))


class LedgerController(Controller):
    path = "/api/ledger"
    tags = ["ledger"]

    @get("/scopes", guards=[PUBLIC], operation_id="ListLedgerScopes")
    async def list_scopes(
        self, rt: NamedDependency[Runtime], viewer: NamedDependency[Principal | None]
    ) -> list[LedgerScopeOut]:
        """Every log the caller may read: public ones for anyone, internal ones for auditors."""
        return [LedgerScopeOut.of(v) for v in await reads.scopes(rt, viewer)]

    @get("/scopes/{name:str}", guards=[PUBLIC], operation_id="GetLedgerScope")
    async def get_scope(
        self, name: FromPath[str], rt: NamedDependency[Runtime], viewer: NamedDependency[Principal | None]
    ) -> LedgerScopeOut:
        return LedgerScopeOut.of(await reads.scope(rt, name, viewer))

    @get("/scopes/{name:str}/checkpoint", guards=[PUBLIC], operation_id="GetLatestCheckpoint")
    async def latest_checkpoint(
        self, name: FromPath[str], rt: NamedDependency[Runtime], viewer: NamedDependency[Principal | None]
    ) -> Response[str]:
        """The latest signed checkpoint (signed now if the log grew), with witness cosignatures."""
        head, checkpoint = await reads.latest(rt, name, viewer)
        return _note(checkpoint, head.visibility)

    @get("/scopes/{name:str}/checkpoints", guards=[PUBLIC], operation_id="ListCheckpoints")
    async def list_checkpoints(
        self,
        name: FromPath[str],
        viewer: NamedDependency[Principal | None],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[LimitParam] = DEFAULT_LIMIT,
    ) -> CheckpointPage:
        """Every stored checkpoint in size order."""
        after = decode_cursor(cursor) if cursor else -1
        found = await reads.checkpoints(name, viewer, after_size=after, limit=limit)
        next_cursor = encode_cursor(found[-1].size) if len(found) == limit else None
        return CheckpointPage([CheckpointOut.of(c) for c in found], next_cursor)

    @get("/scopes/{name:str}/checkpoints/{size:int}", guards=[PUBLIC], operation_id="GetCheckpoint")
    async def get_checkpoint(
        self, name: FromPath[str], size: FromPath[SizeParam], viewer: NamedDependency[Principal | None]
    ) -> Response[str]:
        """The checkpoint of exactly ``size`` leaves (a signed note never changes but for cosignatures)."""
        head = await readable_scope(name, viewer)
        return _note(await checkpoint_at(head, size), head.visibility)

    @get("/scopes/{name:str}/entries", guards=[PUBLIC], operation_id="ListLedgerEntries")
    async def list_entries(
        self,
        name: FromPath[str],
        viewer: NamedDependency[Principal | None],
        start: FromQuery[SizeParam] = 0,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[LimitParam] = DEFAULT_LIMIT,
    ) -> EntryPage:
        """Entries in index order from ``start`` (or after ``cursor``), with their leaf hashes."""
        first = decode_cursor(cursor) + 1 if cursor else start
        found, next_start = await reads.entry_page(name, viewer, start=first, limit=limit)
        next_cursor = encode_cursor(next_start - 1) if next_start is not None else None
        return EntryPage([EntryOut.of(e) for e in found], next_cursor)

    @get("/scopes/{name:str}/proofs/inclusion", guards=[PUBLIC], operation_id="GetInclusionProof")
    async def inclusion_proof(
        self,
        *,
        name: FromPath[str],
        rt: NamedDependency[Runtime],
        viewer: NamedDependency[Principal | None],
        index: FromQuery[OptionalSizeParam] = None,
        leaf_hash: FromQuery[str | None] = None,
        size: FromQuery[OptionalSizeParam] = None,
    ) -> InclusionProofOut:
        """Prove an entry (by index or leaf hash) is in the latest checkpoint, or the one of ``size``."""
        proof, checkpoint = await reads.inclusion(
            rt, name, viewer, index=index, leaf_hash=leaf_hash, size=size
        )
        return InclusionProofOut.of(proof, checkpoint)

    @get("/scopes/{name:str}/proofs/consistency", guards=[PUBLIC], operation_id="GetConsistencyProof")
    async def consistency_proof(
        self,
        name: FromPath[str],
        old_size: FromQuery[SizeParam],
        rt: NamedDependency[Runtime],
        viewer: NamedDependency[Principal | None],
        new_size: FromQuery[OptionalSizeParam] = None,
    ) -> ConsistencyProofOut:
        """Prove the tree of ``old_size`` is a prefix of the latest (or the ``new_size``) checkpoint."""
        proof, checkpoint = await reads.consistency(rt, name, viewer, old_size=old_size, new_size=new_size)
        return ConsistencyProofOut.of(proof, checkpoint)

    @post("/scopes/{name:str}/cosignatures", guards=[roles(Role.AUDITOR)], operation_id="SubmitCosignature")
    async def submit_cosignature(
        self,
        name: FromPath[str],
        data: JSONBody[CosignatureIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CheckpointOut:
        """Add a registered witness's cosignature to a stored checkpoint (verified before it is kept)."""
        head = await readable_scope(name, principal)
        return CheckpointOut.of(await witnesses.submit_cosignature(rt, head, data.size, data.signature))

    @get("/scopes/{name:str}/bundle", guards=[roles(Role.AUDITOR)], operation_id="DownloadBundle")
    async def bundle(
        self, name: FromPath[str], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> Stream:
        """The scope's audit bundle (zip), streamed: verify it offline with ``yide verify``."""
        plan = await plan_bundle(rt, await readable_scope(name, principal))
        return Stream(
            bundle_chunks(rt, plan),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{plan.filename}"',
                "Cache-Control": "private, no-store",
            },
        )

    @get("/keys", guards=[PUBLIC], operation_id="GetLedgerKeys")
    async def keys(self, rt: NamedDependency[Runtime]) -> LedgerKeysOut:
        """The log's public keys (retired ones too, so old checkpoints verify) and the witness keys."""
        return LedgerKeysOut(
            [LogKeyOut.of(k) for k in rt.keys.log_keys()],
            [WitnessKeyOut.of(w) for w in await witnesses.witness_keys()],
        )

    @post("/witnesses", guards=[roles(Role.ORGANIZER)], operation_id="AddWitnessKey")
    async def add_witness(
        self,
        data: JSONBody[WitnessKeyIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> WitnessKeyOut:
        """Register a witness's cosignature/v1 verifier key (recorded in the org log)."""
        key = await witnesses.add_witness_key(rt, data.vkey, actor=principal.ledger_actor)
        return WitnessKeyOut(key.name, key.encode(), key.key_id.hex())


class TileController(Controller):
    """c2sp.org/tlog-tiles under ``/log/<scope>/``: static once written, servable from any mirror."""

    path = "/log"
    tags = ["ledger"]

    @get("/{name:str}/checkpoint", guards=[PUBLIC], operation_id="GetTlogCheckpoint")
    async def checkpoint(
        self, name: FromPath[str], rt: NamedDependency[Runtime], viewer: NamedDependency[Principal | None]
    ) -> Response[str]:
        head, checkpoint = await reads.latest(rt, name, viewer)
        return _note(checkpoint, head.visibility)

    @get("/{name:str}/tile/{resource:path}", guards=[PUBLIC], operation_id="GetTlogTile")
    async def tile(
        self,
        request: Request[Any, Any, Any],
        name: FromPath[str],
        resource: FromPath[str],
        viewer: NamedDependency[Principal | None],
    ) -> Response[bytes]:
        """``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``; entry bundles gzip on request."""
        path = "tile/" + resource.lstrip("/")
        found = await reads.tile(name, viewer, path)
        headers = _cache(found.visibility, IMMUTABLE if found.full else "max-age=86400")
        data = found.data
        if path.startswith("tile/entries/"):
            headers["Vary"] = "Accept-Encoding"
            if "gzip" in request.headers.get("accept-encoding", ""):
                data = gzip.compress(data, mtime=0)
                headers["Content-Encoding"] = "gzip"
        return Response(data, media_type=TILE, headers=headers)
