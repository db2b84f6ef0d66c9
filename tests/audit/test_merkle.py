"""The batches' Merkle trees are RFC 6962's, and an inclusion proof proves one entry only."""

import hashlib

import pytest

from parcours.audit import merkle


def _rfc6962(leaves: list[bytes]) -> bytes:
    """The recursive definition of RFC 6962, section 2.1 (split at the largest power of two)."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _rfc6962(leaves[:k]) + _rfc6962(leaves[k:])).digest()


def _hashes(n):
    return [hashlib.sha256(f"entry {i}".encode()).digest() for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100])
def test_root_is_the_rfc_6962_root(n):
    assert merkle.root(_hashes(n)) == _rfc6962(_hashes(n))


def test_root_depends_on_every_entry_and_their_order():
    hashes = _hashes(9)
    base = merkle.root(hashes)
    assert merkle.root(hashes[:-1]) != base
    assert merkle.root([hashes[1], hashes[0], *hashes[2:]]) != base
    assert merkle.root([*hashes[:4], hashlib.sha256(b"forged").digest(), *hashes[5:]]) != base


@pytest.mark.parametrize("n", [1, 2, 3, 6, 11, 32])
def test_every_entry_has_a_proof_and_a_proof_fits_one_entry_only(n):
    hashes = _hashes(n)
    root = merkle.root(hashes)
    for index, entry in enumerate(hashes):
        proof = merkle.inclusion_proof(hashes, index)
        assert merkle.proves(entry, proof, root)
        assert len(proof) <= max(1, n - 1).bit_length()
        assert not merkle.proves(hashlib.sha256(b"other").digest(), proof, root)
