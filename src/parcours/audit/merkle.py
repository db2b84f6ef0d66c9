"""Merkle trees over the journal's entry hashes, as Certificate Transparency builds them (RFC 6962,
section 2.1): a leaf is ``SHA-256(0x00 || entry hash)``, a node ``SHA-256(0x01 || left ||
right)``, and a tree of n leaves splits at the largest power of two below n (built here level by
level, the odd node of a level moving up unchanged, which gives the same root). An inclusion proof
shows that one entry is in a sealed batch without showing the others.
"""

import hashlib


def _leaf(entry_hash: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry_hash).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(entry_hashes: list[bytes]) -> bytes:
    """The root of the tree over ``entry_hashes`` (in order); of no entry, the hash of nothing."""
    if not entry_hashes:
        return hashlib.sha256(b"").digest()
    level = [_leaf(h) for h in entry_hashes]
    while len(level) > 1:
        paired = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(entry_hashes: list[bytes], index: int) -> list[tuple[str, bytes]]:
    """The sibling hashes from the leaf at ``index`` up to the root, each with its side."""
    level = [_leaf(h) for h in entry_hashes]
    proof = []
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            proof.append(("left" if sibling < index else "right", level[sibling]))
        paired = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level, index = paired, index // 2
    return proof


def proves(entry_hash: bytes, proof: list[tuple[str, bytes]], expected_root: bytes) -> bool:
    """Whether ``proof`` leads from ``entry_hash`` to ``expected_root``."""
    value = _leaf(entry_hash)
    for side, sibling in proof:
        value = _node(sibling, value) if side == "left" else _node(value, sibling)
    return value == expected_root
