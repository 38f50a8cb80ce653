"""The random draws every true figure of the demo is made of, from one seeded `random.Random`.

Hand-written (not numpy) so that a seed gives the same corpus on every platform and version.
"""

from __future__ import annotations

import math
import random


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def multinomial(rng: random.Random, n: int, probs: list[float]) -> list[int]:
    """Split n into len(probs) parts (sequential binomials, normal approximation when large)."""
    out, rest, mass = [], n, sum(probs)
    for p in probs[:-1]:
        q = p / mass if mass > 0 else 0
        if rest <= 0 or q <= 0:
            k = 0
        elif rest > 200:
            sd = math.sqrt(rest * q * (1 - q))
            k = min(rest, max(0, round(rng.gauss(rest * q, sd))))
        else:
            k = sum(1 for _ in range(rest) if rng.random() < q)
        out.append(k)
        rest -= k
        mass -= p
    out.append(rest)
    return out
