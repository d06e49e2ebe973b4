"""Properties of the Merkle tree over random sizes: proofs from stored nodes verify, tampering fails.

Leaves are distinct (entry ``i`` is its own index plus a random salt), because RFC 9162 proofs
are about positions: with two equal leaves, "leaf x is at i" and "at j" are both true statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.ledger.merkle import (
    CompactRange,
    assemble,
    consistency_proof_nodes,
    inclusion_proof_nodes,
    leaf_hash,
    required_nodes,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300


@dataclass
class Tree:
    """A log as the storage layer would hold it: leaf hashes, complete nodes, a root per size."""

    leaves: list[bytes] = field(default_factory=list)
    nodes: dict[tuple[int, int], bytes] = field(default_factory=dict)
    roots: list[bytes] = field(default_factory=list)

    @classmethod
    def build(cls, size: int, salt: bytes) -> Tree:
        tree = cls()
        acc = CompactRange()
        tree.roots.append(acc.root())
        for i in range(size):
            h = leaf_hash(salt + i.to_bytes(4, "big"))
            tree.leaves.append(h)
            for level, index, value in acc.append(h):
                tree.nodes[(level, index)] = value
            tree.roots.append(acc.root())
        return tree

    def inclusion(self, index: int, size: int) -> list[bytes]:
        spans = inclusion_proof_nodes(index, size)
        fetched = {node: self.nodes[node] for node in required_nodes(spans)}
        return assemble(spans, fetched)

    def consistency(self, old: int, new: int) -> list[bytes]:
        spans = consistency_proof_nodes(old, new)
        fetched = {node: self.nodes[node] for node in required_nodes(spans)}
        return assemble(spans, fetched)


sizes = st.integers(min_value=1, max_value=MAX_SIZE)
salts = st.binary(min_size=0, max_size=8)


def flip(value: bytes, bit: int) -> bytes:
    bit %= len(value) * 8
    out = bytearray(value)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@settings(max_examples=40, deadline=None)
@given(size=sizes, salt=salts)
def test_compact_range_root_equals_recomputation_for_every_prefix(size: int, salt: bytes) -> None:
    tree = Tree.build(size, salt)
    for n in range(size + 1):
        assert tree.roots[n] == root_from_leaf_hashes(tree.leaves[:n])


@settings(max_examples=60, deadline=None)
@given(size=sizes, salt=salts)
def test_every_stored_node_is_the_root_of_its_leaves(size: int, salt: bytes) -> None:
    tree = Tree.build(size, salt)
    for (level, index), value in tree.nodes.items():
        begin, end = index << level, (index + 1) << level
        assert end <= size
        assert value == root_from_leaf_hashes(tree.leaves[begin:end])
    assert len(tree.nodes) == 2 * size - size.bit_count()


@settings(deadline=None)
@given(size=sizes, salt=salts, data=st.data())
def test_restored_frontier_continues_like_the_original(size: int, salt: bytes, data: st.DataObject) -> None:
    tree = Tree.build(size, salt)
    cut = data.draw(st.integers(min_value=0, max_value=size))
    original = CompactRange()
    for h in tree.leaves[:cut]:
        original.append(h)
    restored = CompactRange.from_frontier(original.size, original.frontier())
    for h in tree.leaves[cut:]:
        assert restored.append(h) == original.append(h)
        assert restored.root() == original.root()
    assert restored.frontier() == original.frontier()
    assert restored.root() == tree.roots[size]


@settings(deadline=None)
@given(size=sizes, salt=salts)
def test_every_inclusion_proof_verifies(size: int, salt: bytes) -> None:
    tree = Tree.build(size, salt)
    for index in range(size):
        proof = tree.inclusion(index, size)
        assert verify_inclusion(tree.leaves[index], index, size, proof, tree.roots[size])


@settings(deadline=None)
@given(size=sizes, salt=salts)
def test_every_consistency_proof_verifies(size: int, salt: bytes) -> None:
    tree = Tree.build(size, salt)
    for old in range(size + 1):
        proof = tree.consistency(old, size)
        assert verify_consistency(old, size, tree.roots[old], tree.roots[size], proof)


@settings(deadline=None)
@given(size=sizes, salt=salts, data=st.data())
def test_tampered_inclusion_proofs_fail(size: int, salt: bytes, data: st.DataObject) -> None:
    tree = Tree.build(size, salt)
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof, root, leaf = tree.inclusion(index, size), tree.roots[size], tree.leaves[index]
    assert verify_inclusion(leaf, index, size, proof, root)

    bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
    for k in range(len(proof)):
        tampered = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        assert not verify_inclusion(leaf, index, size, tampered, root)
    assert not verify_inclusion(flip(leaf, bit), index, size, proof, root)
    assert not verify_inclusion(leaf, index, size, proof, flip(root, bit))

    if size > 1:
        other_index = data.draw(st.integers(min_value=0, max_value=size - 1).filter(lambda j: j != index))
        assert not verify_inclusion(leaf, other_index, size, proof, root)
    other_root = data.draw(st.integers(min_value=0, max_value=size - 1), label="other root")
    assert not verify_inclusion(leaf, index, size, proof, tree.roots[other_root])

    # An inclusion proof alone does not pin the size (the signed checkpoint binds a root to its size),
    # so a changed size is checked against that size's own root, the way a client would use it.
    other_size = data.draw(st.integers(min_value=index + 1, max_value=size + 40).filter(lambda n: n != size))
    bigger = Tree.build(max(size, other_size), salt)
    assert not verify_inclusion(leaf, index, other_size, proof, bigger.roots[other_size])
    assert not verify_inclusion(leaf, index, size, [*proof, root], root)
    if proof:
        assert not verify_inclusion(leaf, index, size, proof[:-1], root)


@settings(deadline=None)
@given(size=sizes, salt=salts, data=st.data())
def test_tampered_consistency_proofs_fail(size: int, salt: bytes, data: st.DataObject) -> None:
    tree = Tree.build(size + 40, salt)
    old = data.draw(st.integers(min_value=1, max_value=size), label="old")
    proof = tree.consistency(old, size)
    old_root, new_root = tree.roots[old], tree.roots[size]
    assert verify_consistency(old, size, old_root, new_root, proof)

    bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
    for k in range(len(proof)):
        tampered = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        assert not verify_consistency(old, size, old_root, new_root, tampered)
    assert not verify_consistency(old, size, flip(old_root, bit), new_root, proof)
    assert not verify_consistency(old, size, old_root, flip(new_root, bit), proof)

    if size > 1:
        other_old = data.draw(st.integers(min_value=1, max_value=size).filter(lambda m: m != old))
        assert not verify_consistency(other_old, size, tree.roots[other_old], new_root, proof)
    other_new = data.draw(st.integers(min_value=old, max_value=size + 40).filter(lambda n: n != size))
    assert not verify_consistency(old, other_new, old_root, tree.roots[other_new], proof)
    if proof:
        assert not verify_consistency(old, size, old_root, new_root, proof[:-1])
        assert not verify_consistency(old, size, old_root, new_root, [*proof, new_root])
