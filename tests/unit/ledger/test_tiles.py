"""tlog-tiles paths, tile contents and entry bundles.

Known answers: the examples in C2SP/C2SP ``tlog-tiles.md`` (commit
5ba5ee830903e91240fc6f9f3a7a9293d49e69c9): index 1234067 → ``x001/x234/067``, the tiles of a tree of
size 70,000 and of size 256; and the tile index encodings in golang/mod ``sumdb/tlog/tlog_test.go``
``tilePaths`` (commit fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db), whose paths carry an extra tile-height
element that C2SP dropped, so only their ``<N>`` part is used here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from workflow.errors import InvalidInput
from workflow.ledger.merkle import CompactRange, MissingNode, leaf_hash, root_from_leaf_hashes
from workflow.ledger.tiles import (
    TILE_WIDTH,
    EntryBundle,
    InvalidTilePath,
    Tile,
    bundle_available,
    decode_entry_bundle,
    decode_tile,
    encode_entry_bundle,
    encode_index,
    encode_tile,
    entries_path,
    full_tile_count,
    parse_index,
    parse_tile_path,
    partial_tiles,
    tile_available,
    tile_bytes,
    tile_for_node,
    tile_path,
    tile_width,
)

INDEX_ENCODINGS = [
    (0, "000"),
    (1, "001"),  # golang/mod tilePaths "tile/4/0/001"
    (999, "999"),
    (1000, "x001/000"),
    (1234067, "x001/x234/067"),  # C2SP tlog-tiles
    (3057500, "x003/x057/500"),  # golang/mod tilePaths "tile/1/0/x003/x057/500"
    (123456078, "x123/x456/078"),  # golang/mod tilePaths "tile/3/5/x123/x456/078"
    (2**64 - 1, "x018/x446/x744/x073/x709/x551/615"),
]


@pytest.mark.parametrize(("index", "encoded"), INDEX_ENCODINGS)
def test_index_encoding(index: int, encoded: str) -> None:
    assert encode_index(index) == encoded
    assert parse_index(encoded) == index


PATHS = [
    (Tile(0, 1234067), "tile/0/x001/x234/067"),
    (Tile(0, 273, 112), "tile/0/273.p/112"),
    (Tile(1, 1, 17), "tile/1/001.p/17"),
    (Tile(2, 0, 1), "tile/2/000.p/1"),
    (Tile(3, 123456078, 2), "tile/3/x123/x456/078.p/2"),
    (Tile(63, 999999999999999999, 255), "tile/63/x999/x999/x999/x999/x999/999.p/255"),
    (EntryBundle(1234067), "tile/entries/x001/x234/067"),
    (EntryBundle(273, 112), "tile/entries/273.p/112"),
    (EntryBundle(0, 1), "tile/entries/000.p/1"),
]


@pytest.mark.parametrize(("resource", "path"), PATHS, ids=[p for _, p in PATHS])
def test_paths_round_trip(resource: Tile | EntryBundle, path: str) -> None:
    assert resource.path() == path
    assert parse_tile_path(path) == resource


def test_path_helpers() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 1, 17) == "tile/1/001.p/17"
    assert entries_path(1000) == "tile/entries/x001/000"
    assert entries_path(5, 12) == "tile/entries/005.p/12"


BAD_PATHS = [
    "tile/64/000",  # level above 63
    "tile/00/000",  # leading zero in level
    "tile/-1/000",
    "tile/0/1",  # index groups are 3 digits
    "tile/0/0001",
    "tile/0/001/002",  # non-final groups need the x
    "tile/0/x001",  # the final group has no x
    "tile/0/x000/001",  # not the shortest spelling of 1
    "tile/0/x999/x999/x999/x999/x999/x999/999",  # beyond uint64
    "tile/0/000.p/0",
    "tile/0/000.p/256",  # a 256-wide tile is full and has no suffix
    "tile/0/000.p/007",
    "tile/0/000.p/",
    "tile/0/000/",
    "/tile/0/000",
    "tile/0/０００",  # fullwidth digits
    "tile/data/000",  # static-ct-api, not tlog-tiles
    "tile/4/0/001",  # the old sumdb layout with a height element
    "tile/entries/000.p/300",
    "",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_bad_paths_are_rejected(path: str) -> None:
    with pytest.raises(InvalidTilePath):
        parse_tile_path(path)


def test_resource_constructors_validate() -> None:
    for bad in [(-1, 0, 1), (64, 0, 1), (0, -1, 1), (0, 0, 0), (0, 0, 257), (True, 0, 1)]:
        with pytest.raises(InvalidInput):
            Tile(*bad)
    with pytest.raises(InvalidInput):
        EntryBundle(0, 0)
    with pytest.raises(InvalidInput):
        encode_index(-1)


def test_tiles_of_size_70000_match_the_spec() -> None:
    assert [full_tile_count(level, 70_000) for level in range(3)] == [273, 1, 0]
    assert [t.path() for t in partial_tiles(70_000)] == [
        "tile/0/273.p/112",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    ]


def test_tiles_of_size_256_match_the_spec() -> None:
    assert full_tile_count(0, 256) == 1
    assert partial_tiles(256) == [Tile(1, 0, 1)]


def test_no_tiles_for_empty_tree() -> None:
    assert partial_tiles(0) == []
    assert full_tile_count(0, 0) == 0


def test_tile_width_and_availability() -> None:
    assert tile_width(0, 0, 70_000) == 256
    assert tile_width(0, 273, 70_000) == 112
    assert tile_width(0, 274, 70_000) == 0
    assert tile_width(1, 1, 70_000) == 17
    assert tile_available(Tile(0, 273, 100), 70_000)
    assert not tile_available(Tile(0, 273), 70_000)
    assert not tile_available(Tile(1, 1, 18), 70_000)
    assert bundle_available(EntryBundle(273, 112), 70_000)
    assert not bundle_available(EntryBundle(273, 113), 70_000)


def test_tile_for_node() -> None:
    assert tile_for_node((0, 70_000 - 1)) == (Tile(0, 273), 111)
    assert tile_for_node((8, 273)) == (Tile(1, 1), 17)
    with pytest.raises(InvalidInput):
        tile_for_node((3, 0))


def test_leaf_ranges() -> None:
    assert Tile(0, 2).leaf_range() == (512, 768)
    assert Tile(1, 1, 17).leaf_range() == (65_536, 65_536 + 17 * 256)
    assert EntryBundle(273, 112).leaf_range() == (273 * 256, 70_000)


@dataclass
class Log:
    entries: list[bytes]
    nodes: dict[tuple[int, int], bytes]


@pytest.fixture(scope="module")
def log70k() -> Log:
    """A real tree of 70,000 leaves, the spec's example size."""
    entries = [i.to_bytes(4, "big") for i in range(70_000)]
    acc = CompactRange()
    nodes: dict[tuple[int, int], bytes] = {}
    for entry in entries:
        for level, index, value in acc.append(leaf_hash(entry)):
            nodes[(level, index)] = value
    return Log(entries, nodes)


def test_level0_tile_holds_leaf_hashes_and_hashes_to_level8_node(log70k: Log) -> None:
    tile = Tile(0, 5)
    hashes = decode_tile(tile_bytes(tile, log70k.nodes))
    assert hashes == [leaf_hash(e) for e in log70k.entries[5 * 256 : 6 * 256]]
    assert root_from_leaf_hashes(hashes) == log70k.nodes[(8, 5)]


def test_partial_level1_tile_holds_level8_nodes(log70k: Log) -> None:
    tile = partial_tiles(70_000)[1]
    data = tile_bytes(tile, log70k.nodes)
    assert len(data) == 17 * 32
    for i, value in enumerate(decode_tile(data, 17)):
        start = (256 + i) * 256
        assert value == root_from_leaf_hashes([leaf_hash(e) for e in log70k.entries[start : start + 256]])


def test_full_level1_tile_hashes_to_level16_node(log70k: Log) -> None:
    hashes = decode_tile(tile_bytes(Tile(1, 0), log70k.nodes))
    assert root_from_leaf_hashes(hashes) == log70k.nodes[(16, 0)]


def test_tile_bytes_reports_missing_nodes(log70k: Log) -> None:
    with pytest.raises(MissingNode):
        tile_bytes(Tile(0, 273), log70k.nodes)


def test_entry_bundle_matches_level0_tile(log70k: Log) -> None:
    bundle = decode_entry_bundle(encode_entry_bundle(log70k.entries[273 * 256 :]))
    assert len(bundle) == 112
    assert [leaf_hash(e) for e in bundle] == decode_tile(tile_bytes(Tile(0, 273, 112), log70k.nodes), 112)


def test_entry_bundle_encoding() -> None:
    assert encode_entry_bundle([b"", b"ab", b"\xff" * 3]) == b"\x00\x00\x00\x02ab\x00\x03\xff\xff\xff"
    assert decode_entry_bundle(b"\x00\x00\x00\x02ab") == [b"", b"ab"]
    big = b"x" * 0xFFFF
    assert decode_entry_bundle(encode_entry_bundle([big])) == [big]


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00", b"\x00\x03ab", b"\x00\x01a\x00", b"\x00\x00" * 257],
)
def test_bad_entry_bundles_are_rejected(data: bytes) -> None:
    with pytest.raises(InvalidInput):
        decode_entry_bundle(data)


def test_entry_bundle_limits() -> None:
    with pytest.raises(InvalidInput):
        encode_entry_bundle([])
    with pytest.raises(InvalidInput):
        encode_entry_bundle([b""] * (TILE_WIDTH + 1))
    with pytest.raises(InvalidInput):
        encode_entry_bundle([b"x" * 0x10000])


def test_tile_encoding_limits() -> None:
    with pytest.raises(InvalidInput):
        encode_tile([])
    with pytest.raises(InvalidInput):
        encode_tile([b"\x00" * 31])
    with pytest.raises(InvalidInput):
        encode_tile([b"\x00" * 32] * 257)
    with pytest.raises(InvalidInput):
        decode_tile(b"\x00" * 32 * 3, 2)
