"""Which of a year's reports a report is compared with: at most K, the most alike.

Same-year reports share much prose (counties copy each other's boilerplate), so the MinHashLSH
of a year can return nearly every report of the year for every report: 8,300 reports a year
made ~69 million candidate pairs, 7.9 GB and more than 10 minutes in a 100,000-report load.
Here the LSH's own rule (some band of r hash values identical, the same bands as datasketch's
MinHashLSH with the same threshold and num_perm) is evaluated with NumPy over the year's
signature matrix, a chunk of reports at a time, and of a report's candidates of other agencies
only the `keep` with the highest MinHash estimate (share of equal hash values) are kept: a
report with `keep` candidates or fewer is compared with exactly the reports the LSH returned.
Memory per chunk is bounded by CHUNK_CELLS cells per array; the exact comparison that follows is
bounded by `keep` per report.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

CHUNK_CELLS = 1 << 22  # cells of one chunk's arrays (reports x year's reports): 4 MiB each


def signature_matrix(blobs: list[bytes]) -> np.ndarray:
    return np.stack([np.frombuffer(b, dtype=np.uint32) for b in blobs])


def nearest(
    sigs: np.ndarray, owner: np.ndarray, rows: np.ndarray, bands: tuple[int, int], keep: int
) -> Iterator[tuple[int, np.ndarray]]:
    """For each row index in `rows`: the indexes of the LSH candidates whose `owner` differs,
    at most `keep`, highest estimate first (ties: lower index first)."""
    b, r = bands
    n, perms = sigs.shape
    # one permutation at a time over a contiguous row of the transposed matrix: 30-50x less
    # time than comparing whole (chunk, n, perms) blocks and reducing them (measured, 8,000)
    by_perm = np.ascontiguousarray(sigs.T)
    step = max(1, CHUNK_CELLS // n)
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        mine = sigs[part]
        equal = np.zeros((len(part), n), dtype=np.uint16)
        hit = np.zeros((len(part), n), dtype=bool)
        for band in range(b):
            same = np.ones((len(part), n), dtype=bool)
            for c in range(band * r, band * r + r):
                e = mine[:, c, None] == by_perm[c][None, :]
                equal += e
                same &= e
            hit |= same
        for c in range(b * r, perms):
            equal += mine[:, c, None] == by_perm[c][None, :]
        hit &= owner[None, :] != owner[part][:, None]
        for i, row in enumerate(part.tolist()):
            found = np.flatnonzero(hit[i])
            if len(found) > keep:
                found = found[np.argsort(-equal[i, found].astype(np.int32), kind="stable")[:keep]]
            yield row, found
