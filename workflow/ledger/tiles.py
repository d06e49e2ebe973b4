"""c2sp.org/tlog-tiles layout: static tile and entry-bundle resources for a Merkle log.

Serving the log as tiles lets any standard transparency client (and a plain file mirror) read it:
immutable resources, cacheable forever, from which every proof can be computed offline.

* A tile is 256 consecutive hashes of one tree level (tile height 8). Tile ``(L, N)`` holds the
  stored Merkle nodes at level ``8·L`` with indexes ``N·256 … N·256 + W - 1``.
* ``tile/<L>/<N>[.p/<W>]``: ``N`` is written as zero-padded 3-digit groups, every group but the last
  prefixed with ``x`` (1234067 → ``x001/x234/067``); ``.p/<W>`` marks a partial tile of width
  ``1 ≤ W ≤ 255``.
* ``tile/entries/<N>[.p/<W>]``: the entries of level-0 tile ``N``, each as big-endian uint16
  length ‖ bytes.
* For a tree of size ``s`` the level-``L`` tiles cover ``floor(s / 256^L)`` hashes: that many
  divided by 256 full tiles, and the remainder as one partial tile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workflow.errors import InvalidInput
from workflow.ledger.merkle import HASH_SIZE, MAX_TREE_SIZE, MissingNode, NodeId, is_uint64

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_TILE_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF
"""Entry bundles prefix each entry with a uint16 length, so an entry is at most 65535 bytes."""

_MAX_INDEX_GROUPS = len(str(MAX_TREE_SIZE)) // 3 + 1
_LEVEL = r"0|[1-9][0-9]?"
_INDEX = r"(?:x[0-9]{3}/)*[0-9]{3}"
_WIDTH = r"[1-9][0-9]{0,2}"
_TILE_PATH = re.compile(rf"tile/(?P<level>{_LEVEL}|entries)/(?P<index>{_INDEX})(?:\.p/(?P<width>{_WIDTH}))?")


class InvalidTilePath(InvalidInput):
    code = "invalid-tile-path"
    title = "Not a tlog-tiles resource path"


# --- index and path encoding ------------------------------------------------------------------------


def encode_index(index: int) -> str:
    """Write a tile index as 3-digit groups, ``x``-prefixed except the last (1234067 → x001/x234/067)."""
    if not is_uint64(index):
        raise InvalidInput("tile index must be a non-negative uint64", index=index)
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def parse_index(text: str) -> int:
    """Read an encoded tile index; only the canonical (shortest) spelling is accepted."""
    if not re.fullmatch(_INDEX, text, flags=re.ASCII) or text.count("/") >= _MAX_INDEX_GROUPS:
        raise InvalidTilePath("malformed tile index", index=text)
    index = int(text.replace("x", "").replace("/", ""))
    if not is_uint64(index) or encode_index(index) != text:
        raise InvalidTilePath("tile index is not in canonical form", index=text)
    return index


def _suffix(width: int) -> str:
    return "" if width == TILE_WIDTH else f".p/{width}"


def _check_width(width: int) -> None:
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= TILE_WIDTH:
        raise InvalidInput("tile width must be between 1 and 256", width=width)


@dataclass(frozen=True)
class Tile:
    """Tile ``(level, index)`` of ``width`` hashes (256 when full)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if isinstance(self.level, bool) or not isinstance(self.level, int):
            raise InvalidInput("tile level must be an int")
        if not 0 <= self.level <= MAX_TILE_LEVEL:
            raise InvalidInput("tile level must be between 0 and 63", level=self.level)
        if not is_uint64(self.index):
            raise InvalidInput("tile index must be a non-negative uint64", index=self.index)
        _check_width(self.width)

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def node_level(self) -> int:
        """The Merkle level whose nodes this tile lists."""
        return TILE_HEIGHT * self.level

    def path(self) -> str:
        return f"tile/{self.level}/{encode_index(self.index)}{_suffix(self.width)}"

    def nodes(self) -> list[NodeId]:
        """The stored nodes ``(8·L, N·256 + i)`` for ``i < width``, in tile order."""
        first = self.index * TILE_WIDTH
        return [(self.node_level, first + i) for i in range(self.width)]

    def leaf_range(self) -> tuple[int, int]:
        """Leaves ``[start, end)`` under the tile's hashes (``start = N·256^(L+1)``)."""
        leaves_per_hash = 1 << self.node_level
        start = self.index * TILE_WIDTH * leaves_per_hash
        return start, start + self.width * leaves_per_hash


@dataclass(frozen=True)
class EntryBundle:
    """The entries under level-0 tile ``index``: leaves ``index·256 … index·256 + width - 1``."""

    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not is_uint64(self.index):
            raise InvalidInput("bundle index must be a non-negative uint64", index=self.index)
        _check_width(self.width)

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    def path(self) -> str:
        return f"tile/entries/{encode_index(self.index)}{_suffix(self.width)}"

    def leaf_range(self) -> tuple[int, int]:
        start = self.index * TILE_WIDTH
        return start, start + self.width


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``."""
    return Tile(level, index, width).path()


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``."""
    return EntryBundle(index, width).path()


def parse_tile_path(path: str) -> Tile | EntryBundle:
    """Read a resource path relative to the log prefix (what the HTTP layer routes on).

    Only canonical spellings parse, so each resource has exactly one URL (and one cache entry).
    """
    if not isinstance(path, str):
        raise InvalidTilePath("a tile path is a string")
    match = _TILE_PATH.fullmatch(path)
    if match is None or match["width"] == str(TILE_WIDTH):
        raise InvalidTilePath("not a tlog-tiles path", path=path)
    index = parse_index(match["index"])
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    try:
        if match["level"] == "entries":
            return EntryBundle(index, width)
        return Tile(int(match["level"]), index, width)
    except InvalidInput as error:
        raise InvalidTilePath(error.detail, path=path) from None


# --- tiles of a tree size ---------------------------------------------------------------------------


def _hashes_at_level(level: int, size: int) -> int:
    """How many complete nodes level ``8·level`` has in a tree of ``size`` leaves."""
    return size >> (TILE_HEIGHT * level)


def tile_width(level: int, index: int, size: int) -> int:
    """Hashes that tile ``(level, index)`` has at tree ``size``: 0 (absent) to 256 (full)."""
    if not is_uint64(size):
        raise InvalidInput("tree size must be a non-negative uint64", size=size)
    available = _hashes_at_level(level, size) - index * TILE_WIDTH
    return max(0, min(TILE_WIDTH, available))


def full_tile_count(level: int, size: int) -> int:
    """Number of full (256-hash) tiles at ``level`` in a tree of ``size`` leaves."""
    if not is_uint64(size):
        raise InvalidInput("tree size must be a non-negative uint64", size=size)
    return _hashes_at_level(level, size) // TILE_WIDTH


def partial_tiles(size: int) -> list[Tile]:
    """The partial tiles a checkpoint at ``size`` needs, lowest level first.

    E.g. size 70,000 has 273 full level-0 tiles, one full level-1 tile and the partial tiles
    ``tile/0/273.p/112``, ``tile/1/001.p/17`` and ``tile/2/000.p/1``.
    """
    if not is_uint64(size):
        raise InvalidInput("tree size must be a non-negative uint64", size=size)
    partial: list[Tile] = []
    level = 0
    while (count := _hashes_at_level(level, size)) > 0:
        if count % TILE_WIDTH:
            partial.append(Tile(level, count // TILE_WIDTH, count % TILE_WIDTH))
        level += 1
    return partial


def tile_available(tile: Tile, size: int) -> bool:
    """Whether a tree of ``size`` leaves fixes every hash of ``tile`` (it is safe to serve)."""
    return tile.width <= tile_width(tile.level, tile.index, size)


def bundle_available(bundle: EntryBundle, size: int) -> bool:
    """Whether a tree of ``size`` leaves holds every entry of ``bundle``."""
    return bundle.leaf_range()[1] <= size


def tile_for_node(node: NodeId) -> tuple[Tile, int]:
    """The full tile holding a stored node at a level divisible by 8, and its position in it.

    Nodes at other levels are not served; clients recompute them from the tile below.
    """
    level, index = node
    if level % TILE_HEIGHT:
        raise InvalidInput("only levels divisible by 8 appear in tiles", level=level)
    return Tile(level // TILE_HEIGHT, index // TILE_WIDTH), index % TILE_WIDTH


# --- resource bytes ---------------------------------------------------------------------------------


def encode_tile(hashes: Sequence[bytes]) -> bytes:
    """A tile's bytes: its 1..256 hashes concatenated (8,192 bytes when full)."""
    if not 1 <= len(hashes) <= TILE_WIDTH:
        raise InvalidInput("a tile holds 1 to 256 hashes", count=len(hashes))
    if any(not isinstance(h, bytes) or len(h) != HASH_SIZE for h in hashes):
        raise InvalidInput("tile hashes are 32 bytes each")
    return b"".join(hashes)


def tile_bytes(tile: Tile, nodes: Mapping[NodeId, bytes]) -> bytes:
    """Encode a tile straight from stored node rows (fetch ``tile.nodes()`` in one query)."""
    try:
        return encode_tile([nodes[node] for node in tile.nodes()])
    except KeyError as missing:
        raise MissingNode("a node of the tile is not stored", node=missing.args[0]) from None


def decode_tile(data: bytes, width: int = TILE_WIDTH) -> list[bytes]:
    """Split a fetched tile of the expected ``width`` back into hashes."""
    _check_width(width)
    if not isinstance(data, bytes) or len(data) != width * HASH_SIZE:
        raise InvalidInput("tile has the wrong length", expected=width * HASH_SIZE)
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each of 1..256 entries as big-endian uint16 length ‖ entry bytes."""
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise InvalidInput("a bundle holds 1 to 256 entries", count=len(entries))
    out = bytearray()
    for entry in entries:
        if not isinstance(entry, bytes) or len(entry) > MAX_ENTRY_SIZE:
            raise InvalidInput("bundle entries are bytes of at most 65535", size=len(entry))
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_entry_bundle(data: bytes) -> list[bytes]:
    """Read a bundle back; it must consist of 1..256 whole length-prefixed entries, nothing more."""
    if not isinstance(data, bytes):
        raise InvalidInput("a bundle is bytes")
    entries: list[bytes] = []
    position = 0
    while position < len(data):
        if position + 2 > len(data):
            raise InvalidInput("bundle ends inside a length prefix")
        length = int.from_bytes(data[position : position + 2], "big")
        position += 2
        if position + length > len(data):
            raise InvalidInput("bundle ends inside an entry")
        entries.append(data[position : position + length])
        position += length
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise InvalidInput("a bundle holds 1 to 256 entries", count=len(entries))
    return entries
