"""The tree code against the Certificate Transparency test vectors and a naive RFC 9162 tree."""

import hashlib
import random
from unittest import TestCase

from undersigned.ledger import merkle

# The eight leaves of the Certificate Transparency merkle tests (RFC 6962 reference code).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
INCLUSION = [  # leaf index, tree size, path
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        0,
        5,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # first size, second size, proof
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


# A second implementation, written straight from the recursive definitions of RFC 9162 §2.1.
def naive_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*naive_subproof(m, leaves[:k], whole), naive_mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_mth(leaves[:k])]


def tree_of(leaves: list[bytes]) -> merkle.MemoryTree:
    return merkle.MemoryTree(merkle.leaf_hash(leaf) for leaf in leaves)


class MerkleVectorsTest(TestCase):
    def test_known_roots(self) -> None:
        assert merkle.MemoryTree().root() == hashlib.sha256(b"").digest()
        for size, root in ROOTS.items():
            assert tree_of(LEAVES[:size]).root().hex() == root
            assert naive_mth(LEAVES[:size]).hex() == root
        assert tree_of(LEAVES).root().hex() == (
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        )

    def test_known_inclusion_paths(self) -> None:
        tree = tree_of(LEAVES)
        for index, size, path in INCLUSION:
            proof = merkle.inclusion_proof(index, size, tree.node)
            assert [p.hex() for p in proof] == path
            merkle.verify_inclusion(
                merkle.leaf_hash(LEAVES[index]), index, size, proof, bytes.fromhex(ROOTS[size])
            )

    def test_known_consistency_proofs(self) -> None:
        tree = tree_of(LEAVES)
        for first, second, path in CONSISTENCY:
            proof = merkle.consistency_proof(first, second, tree.node)
            assert [p.hex() for p in proof] == path
            merkle.verify_consistency(
                first, second, bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second]), proof
            )

    def test_against_naive_implementation(self) -> None:
        rng = random.Random(9162)
        leaves = [rng.randbytes(rng.randrange(0, 40)) for _ in range(70)]
        tree = tree_of(leaves)
        for size in range(1, len(leaves) + 1):
            root = naive_mth(leaves[:size])
            assert tree.root(size) == root
            for index in range(size):
                proof = merkle.inclusion_proof(index, size, tree.node)
                assert proof == naive_path(index, leaves[:size])
                merkle.verify_inclusion(merkle.leaf_hash(leaves[index]), index, size, proof, root)
            for first in range(1, size + 1):
                proof = merkle.consistency_proof(first, size, tree.node)
                assert proof == naive_subproof(first, leaves[:size], True)
                merkle.verify_consistency(first, size, naive_mth(leaves[:first]), root, proof)

    def test_new_nodes_match_a_tree_built_at_once(self) -> None:
        rng = random.Random(1)
        hashes = [merkle.leaf_hash(rng.randbytes(8)) for _ in range(100)]
        whole = merkle.MemoryTree(hashes)
        stored: dict[tuple[int, int], bytes] = {}
        size = 0
        while size < len(hashes):
            batch = hashes[size : size + rng.randrange(1, 13)]

            def node(level: int, index: int) -> bytes:
                return hashes[index] if level == 0 else stored[(level, index)]

            stored.update(merkle.new_nodes(size, batch, node))
            size += len(batch)
        for (level, index), value in stored.items():
            assert whole.node(level, index) == value
        assert len(stored) == sum(len(level) for level in whole.levels[1:])


class MerkleFailuresTest(TestCase):
    def setUp(self) -> None:
        self.tree = tree_of(LEAVES)
        self.root = self.tree.root()

    def test_wrong_leaf_index_or_path_is_refused(self) -> None:
        proof = merkle.inclusion_proof(5, 8, self.tree.node)
        leaf = merkle.leaf_hash(LEAVES[5])
        bad_cases = [
            (merkle.leaf_hash(b"other"), 5, 8, proof),
            (leaf, 4, 8, proof),
            (leaf, 5, 8, proof[:-1]),
            (leaf, 5, 8, [*proof, proof[0]]),
            (leaf, 5, 8, [proof[1], proof[0], proof[2]]),
            (leaf, 8, 8, proof),
        ]
        for args in bad_cases:
            with self.assertRaises(merkle.ProofError):
                merkle.verify_inclusion(*args, self.root)

    def test_wrong_consistency_is_refused(self) -> None:
        proof = merkle.consistency_proof(6, 8, self.tree.node)
        first_root = self.tree.root(6)
        bad_cases = [
            (6, 8, self.tree.root(5), self.root, proof),
            (6, 8, first_root, self.tree.root(7), proof),
            (5, 8, first_root, self.root, proof),
            (6, 8, first_root, self.root, proof[:-1]),
            (6, 8, first_root, self.root, [*proof, proof[0]]),
            (8, 6, first_root, self.root, proof),
            (8, 8, self.root, self.root, proof),
            (0, 8, first_root, self.root, proof),
        ]
        for args in bad_cases:
            with self.assertRaises(merkle.ProofError):
                merkle.verify_consistency(*args)

    def test_impossible_requests_are_refused(self) -> None:
        with self.assertRaises(merkle.ProofError):
            merkle.inclusion_proof(8, 8, self.tree.node)
        with self.assertRaises(merkle.ProofError):
            merkle.consistency_proof(0, 8, self.tree.node)
        with self.assertRaises(merkle.ProofError):
            merkle.consistency_proof(5, 4, self.tree.node)
