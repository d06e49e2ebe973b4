"""Stand-in until the ledger-core branch lands (same interface)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def empty_root() -> bytes:
    return hashlib.sha256(b"").digest()


class CompactRange:
    def __init__(self) -> None:
        self.size = 0
        self._nodes: list[tuple[int, bytes]] = []

    @classmethod
    def from_frontier(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        r = cls()
        r.size = size
        levels = [lvl for lvl in range(size.bit_length(), -1, -1) if size >> lvl & 1]
        r._nodes = list(zip(levels, hashes, strict=True))
        return r

    def frontier(self) -> list[bytes]:
        return [h for _, h in self._nodes]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        index = self.size
        created = [(0, index, leaf)]
        level, h = 0, leaf
        while self._nodes and self._nodes[-1][0] == level:
            _, left = self._nodes.pop()
            h = node_hash(left, h)
            level += 1
            created.append((level, index >> level, h))
        self._nodes.append((level, h))
        self.size += 1
        return created

    def root(self) -> bytes:
        if not self._nodes:
            return empty_root()
        h = self._nodes[-1][1]
        for _, left in reversed(self._nodes[:-1]):
            h = node_hash(left, h)
        return h


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    tree = CompactRange()
    for h in hashes:
        tree.append(h)
    return tree.root()
