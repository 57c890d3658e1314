"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0), §2.1: hashes and proofs.

Pure functions over SHA-256, no Django. A tree of n leaves is described by its
complete subtrees: node (level, index) is the hash of leaves
[index * 2**level, (index + 1) * 2**level). Proofs read only O(log n) of them,
through a `NodeSource`, so a stored tree of millions of leaves answers quickly.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
NodeSource = Callable[[int, int], bytes]  # (level, index) -> hash of that complete subtree


class ProofError(ValueError):
    """A proof that does not prove what it claims, or a request for an impossible one."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_hash(start: int, size: int, node: NodeSource) -> bytes:
    """MTH of leaves [start, start + size), where start is aligned as RFC 9162 splits are."""
    if size <= 0:
        raise ProofError("empty subtree")
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return node(level, start >> level)
    k = _split(size)
    return node_hash(subtree_hash(start, k, node), subtree_hash(start + k, size - k, node))


def root_hash(size: int, node: NodeSource) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree_hash(0, size, node)


def inclusion_proof(index: int, size: int, node: NodeSource) -> list[bytes]:
    """PATH(index, D[size]): the audit path of one leaf, leaf-side first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start = 0
    while size > 1:
        k = _split(size)
        if index < k:
            path.append(subtree_hash(start + k, size - k, node))
            size = k
        else:
            path.append(subtree_hash(start, k, node))
            start, index, size = start + k, index - k, size - k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, node: NodeSource) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from {first} to {second}")
    path: list[bytes] = []
    start, m, n, whole = 0, first, second, True
    while m != n:
        k = _split(n)
        if m <= k:
            path.append(subtree_hash(start + k, n - k, node))
            n = k
        else:
            path.append(subtree_hash(start, k, node))
            start, m, n, whole = start + k, m - k, n - k, False
    if not whole:
        path.append(subtree_hash(start, m, node))
    path.reverse()
    return path


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2; raises ProofError unless the proof holds."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    if r != root:
        raise ProofError("inclusion proof does not lead to the root")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2; raises ProofError unless the proof holds."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency between sizes {first} and {second}")
    if first == second:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if first_root != second_root:
            raise ProofError("same size, different roots")
        return
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    if not path:
        raise ProofError("empty consistency proof")
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != first_root:
        raise ProofError("consistency proof does not lead to the first root")
    if sr != second_root:
        raise ProofError("consistency proof does not lead to the second root")


def new_nodes(size: int, leaves: Sequence[bytes], node: NodeSource) -> dict[tuple[int, int], bytes]:
    """The complete subtrees (level >= 1) that appending `leaves` to a tree of `size` completes.

    `node` answers for the subtrees already complete; only the right edge is read.
    """
    made: dict[tuple[int, int], bytes] = {}

    def get(level: int, index: int) -> bytes:
        if (level, index) in made:
            return made[(level, index)]
        if level == 0 and index >= size:
            return leaves[index - size]
        return node(level, index)

    for offset, leaf in enumerate(leaves):
        index = size + offset
        made[(0, index)] = leaf
        level, position = 0, index
        while position & 1:
            parent = node_hash(get(level, position - 1), get(level, position))
            level, position = level + 1, position >> 1
            made[(level, position)] = parent
    return {key: value for key, value in made.items() if key[0] > 0}


class MemoryTree:
    """A whole tree in memory, for verifiers rebuilding a log from its entries."""

    def __init__(self, leaves: Iterable[bytes] = ()):
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        self.levels[0].append(leaf)
        level, position = 0, len(self.levels[0]) - 1
        while position & 1:
            parent = node_hash(self.levels[level][position - 1], self.levels[level][position])
            level, position = level + 1, position >> 1
            if len(self.levels) <= level:
                self.levels.append([])
            self.levels[level].append(parent)

    def node(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self.size if size is None else size, self.node)
