"""RFC 9162 §2.1 Merkle tree hashing, proofs and a streaming accumulator.

Every scope's log is one RFC 9162 (Certificate Transparency v2) tree so that standard transparency
tooling and an auditor's own verifier agree on every root bit for bit:

* leaf hash ``SHA-256(0x00 ‖ entry)``, interior node ``SHA-256(0x01 ‖ left ‖ right)``;
* the root of the empty tree is ``SHA-256("")``;
* a tree of ``n > 1`` leaves splits at the largest power of two ``k < n``: ``MTH(D[0:k])`` on the left,
  ``MTH(D[k:n])`` on the right.

Storage model. The database keeps every *complete* node ``(level, index)``: the perfect subtree of
``2^level`` leaves ``[index·2^level, (index+1)·2^level)``. Such a node never changes once its last
leaf is appended, so one stored tree answers proofs for every past size. A proof element that is not
itself a perfect node (it always touches the right edge of the tree) is a :data:`NodeSpan`: the
perfect nodes that tile it, left to right, folded from the right. A caller therefore does::

    spans = inclusion_proof_nodes(index, size)
    hashes = fetch(required_nodes(spans))      # one query, O(log n) rows
    proof = assemble(spans, hashes)

Verification follows the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms step by step. Verifiers never
raise on malformed input: a proof that cannot be right is simply ``False``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

from workflow.errors import InvalidInput, NotFound
from workflow.signing import sha256

HASH_SIZE = 32
"""Every hash in the tree is a SHA-256 digest."""

MAX_TREE_SIZE = 2**64 - 1
"""RFC 9162 counts leaves in a uint64; larger sizes cannot appear in any interoperable proof."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

NodeId: TypeAlias = tuple[int, int]
"""``(level, index)`` of a perfect subtree covering leaves ``[index·2^level, (index+1)·2^level)``."""

NodeSpan: TypeAlias = tuple[NodeId, ...]
"""One proof element: perfect nodes left to right whose right-edge fold is the element's hash."""

StoredNode: TypeAlias = tuple[int, int, bytes]
"""``(level, index, hash)`` as the storage layer persists it."""


class InvalidProof(InvalidInput):
    """A proof whose shape cannot fit the claimed tree (wrong length, sizes or hash widths)."""

    code = "invalid-proof"
    title = "The Merkle proof does not fit the tree"


class MissingNode(NotFound):
    """The storage layer did not supply a node that a proof needs: its tree is incomplete."""

    code = "missing-merkle-node"
    title = "A stored Merkle node is missing"


# --- hashing -------------------------------------------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    """Hash one log entry; the 0x00 prefix keeps a leaf from ever equalling an interior node."""
    return sha256(_LEAF_PREFIX + entry)


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two children; the 0x01 prefix is the RFC's second-preimage defence."""
    return sha256(_NODE_PREFIX + left + right)


def empty_root() -> bytes:
    """The root of a tree with no leaves, ``SHA-256("")``, as RFC 9162 defines it."""
    return sha256(b"")


def _is_hash(value: object) -> bool:
    """True for exactly 32 bytes: anything else is never a valid tree hash."""
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def is_uint64(value: object) -> bool:
    """True for a plain int in the uint64 range (bools and negatives are caller mistakes)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TREE_SIZE


def _require_hash(value: bytes, what: str) -> None:
    if not _is_hash(value):
        raise InvalidInput(f"{what} must be {HASH_SIZE} bytes")


def _split(size: int) -> int:
    """The largest power of two strictly below ``size`` (``size >= 2``): where RFC 9162 splits."""
    return 1 << ((size - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH of the given leaf hashes, computed straight from the RFC's recursive definition.

    It is deliberately independent of :class:`CompactRange` so the two can check each other.
    """
    for h in hashes:
        _require_hash(h, "leaf hash")
    if not hashes:
        return empty_root()
    return _subtree_root(hashes, 0, len(hashes))


def _subtree_root(hashes: Sequence[bytes], begin: int, end: int) -> bytes:
    if end - begin == 1:
        return hashes[begin]
    mid = begin + _split(end - begin)
    return node_hash(_subtree_root(hashes, begin, mid), _subtree_root(hashes, mid, end))


# --- streaming accumulator -----------------------------------------------------------------------


class CompactRange:
    """A Merkle frontier: the roots of the perfect subtrees that tile ``[0, size)``, largest first.

    Appending a leaf costs O(log n) hashes and memory, so the writer never rereads the tree; it
    persists ``(size, frontier())`` next to the nodes and restores with :meth:`from_frontier`.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @classmethod
    def from_frontier(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        """Restore a range saved with :meth:`frontier`; one hash per set bit of ``size``."""
        if not is_uint64(size):
            raise InvalidInput("frontier size must be an int in the uint64 range")
        if len(hashes) != size.bit_count():
            raise InvalidInput(
                "frontier has the wrong number of hashes", size=size, expected=size.bit_count()
            )
        for h in hashes:
            _require_hash(h, "frontier hash")
        restored = cls()
        restored._size = size
        restored._hashes = list(hashes)
        return restored

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    def frontier(self) -> list[bytes]:
        """The perfect-subtree roots, largest (leftmost) first; their ids are ``root_span(size)``."""
        return list(self._hashes)

    def append(self, leaf_hash: bytes) -> list[StoredNode]:
        """Add one leaf hash and return every node it completes, lowest level first.

        The first item is always the leaf itself at level 0; each further item is a parent that this
        leaf closed. These are exactly the rows the storage layer must insert.
        """
        _require_hash(leaf_hash, "leaf hash")
        if self._size >= MAX_TREE_SIZE:
            raise InvalidInput("the tree is full")
        index, level, current = self._size, 0, leaf_hash
        created: list[StoredNode] = [(0, index, leaf_hash)]
        while index & 1:
            current = node_hash(self._hashes.pop(), current)
            index >>= 1
            level += 1
            created.append((level, index, current))
        self._hashes.append(current)
        self._size += 1
        return created

    def root(self) -> bytes:
        """MTH of everything appended: the frontier folded from the right edge."""
        if not self._hashes:
            return empty_root()
        return _fold(self._hashes)


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Right-edge fold: ``h1 ∘ (h2 ∘ (… ∘ hk))``, how RFC 9162 joins uneven right subtrees."""
    current = hashes[-1]
    for left in reversed(hashes[:-1]):
        current = node_hash(left, current)
    return current


# --- proof shapes over stored nodes ----------------------------------------------------------------


def _span(begin: int, end: int) -> NodeSpan:
    """Perfect nodes tiling ``[begin, end)``, largest first.

    Only ranges that appear in RFC 9162 proofs are passed in: ``begin`` is aligned to the largest
    power of two not above the length, so each piece is a real stored node.
    """
    nodes: list[NodeId] = []
    position, length = begin, end - begin
    for level in range(length.bit_length() - 1, -1, -1):
        if length >> level & 1:
            nodes.append((level, position >> level))
            position += 1 << level
    return tuple(nodes)


def root_span(size: int) -> NodeSpan:
    """The nodes whose fold is the root at ``size`` (also the ids of a frontier of that size)."""
    if not is_uint64(size):
        raise InvalidInput("tree size must be an int in the uint64 range")
    return _span(0, size)


def inclusion_proof_nodes(index: int, size: int) -> list[NodeSpan]:
    """Shape of PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), leaf end first.

    Each element is the sibling subtree at one level; at most one of them (the one touching the
    right edge) needs more than one stored node.
    """
    if not (is_uint64(index) and is_uint64(size) and index < size):
        raise InvalidInput("leaf index must be below the tree size", index=index, size=size)
    spans: list[NodeSpan] = []
    begin, end = 0, size
    while end - begin > 1:
        mid = begin + _split(end - begin)
        if index < mid:
            spans.append(_span(mid, end))
            end = mid
        else:
            spans.append(_span(begin, mid))
            begin = mid
    spans.reverse()
    return spans


def consistency_proof_nodes(old_size: int, new_size: int) -> list[NodeSpan]:
    """Shape of PROOF(old_size, D[0:new_size]) (RFC 9162 §2.1.4.1), smallest subtree first.

    Equal sizes and an empty old tree need no proof: every tree extends the empty one.
    """
    if not (is_uint64(old_size) and is_uint64(new_size) and old_size <= new_size):
        raise InvalidInput("old size must not exceed new size", old_size=old_size, new_size=new_size)
    if old_size in (0, new_size):
        return []
    spans: list[NodeSpan] = []
    begin, end, old_root_is_known = 0, new_size, True
    while old_size < end:
        mid = begin + _split(end - begin)
        if old_size <= mid:
            spans.append(_span(mid, end))
            end = mid
        else:
            spans.append(_span(begin, mid))
            begin = mid
            old_root_is_known = False
    if not old_root_is_known:
        spans.append(_span(begin, end))
    spans.reverse()
    return spans


def required_nodes(spans: Iterable[NodeSpan]) -> set[NodeId]:
    """Every stored node the spans mention: the key set for the storage layer's single query."""
    return {node for span in spans for node in span}


def fold_span(span: NodeSpan, hashes: Mapping[NodeId, bytes]) -> bytes:
    """Hash of one proof element from its stored nodes."""
    if not span:
        raise InvalidInput("a node span cannot be empty")
    return _fold([_lookup(hashes, node) for node in span])


def _lookup(hashes: Mapping[NodeId, bytes], node: NodeId) -> bytes:
    try:
        found = hashes[node]
    except KeyError:
        raise MissingNode("a Merkle node needed for the proof is not stored", node=node) from None
    _require_hash(found, "stored node hash")
    return found


def assemble(spans: Sequence[NodeSpan], hashes: Mapping[NodeId, bytes]) -> list[bytes]:
    """Turn proof shapes and the fetched node hashes into the RFC 9162 proof hashes."""
    return [fold_span(span, hashes) for span in spans]


def root_from_nodes(size: int, hashes: Mapping[NodeId, bytes]) -> bytes:
    """Root of the tree at any past ``size`` from stored nodes (fetch ``root_span(size)`` first)."""
    span = root_span(size)
    return fold_span(span, hashes) if span else empty_root()


# --- verification ---------------------------------------------------------------------------------


def root_from_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` implies for ``leaf_hash`` at ``index`` (RFC 9162 §2.1.3.2 steps 1-4).

    Raises :class:`InvalidProof` when the proof cannot belong to a tree of ``size``; useful when the
    caller wants the root itself, e.g. to compare against several checkpoints.
    """
    if not (is_uint64(index) and is_uint64(size) and index < size):
        raise InvalidProof("leaf index must be below the tree size")
    if not (_is_hash(leaf_hash) and all(_is_hash(p) for p in proof)):
        raise InvalidProof(f"every hash must be {HASH_SIZE} bytes")
    fn, sn, result = index, size - 1, leaf_hash
    for sibling in proof:
        if sn == 0:
            raise InvalidProof("proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProof("proof is shorter than the tree is deep")
    return result


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """True only if ``leaf_hash`` sits at ``index`` in the tree of ``size`` leaves with this ``root``."""
    try:
        computed = root_from_inclusion(leaf_hash, index, size, proof)
    except InvalidProof:
        return False
    return _is_hash(root) and computed == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True only if the tree ``new_root`` extends the tree ``old_root`` (RFC 9162 §2.1.4.2).

    Beyond the RFC's loop: equal sizes need an empty proof and equal roots; from size 0 the old
    root must be the empty root and the proof empty, since every tree extends the empty tree.
    """
    if not (is_uint64(old_size) and is_uint64(new_size) and old_size <= new_size):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root) and all(_is_hash(p) for p in proof)):
        return False
    if old_size == 0:
        return not proof and old_root == empty_root() and (new_size > 0 or new_root == old_root)
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    return _consistency_loop(old_size, new_size, old_root, new_root, list(proof))


def _consistency_loop(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: list[bytes]
) -> bool:
    """Steps 2-7 of RFC 9162 §2.1.4.2 for ``0 < old_size < new_size`` and a non-empty path."""
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first_root = second_root = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first_root = node_hash(c, first_root)
            second_root = node_hash(c, second_root)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            second_root = node_hash(second_root, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and first_root == old_root and second_root == new_root
