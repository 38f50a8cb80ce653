"""How much of a report's own prose repeats another report: shingles, MinHash, repeated passages.

A report's own prose: its prose lines without titles, headings and table labels (lines with no
clause punctuation) and table rows printed as lines, without the national template's sentences
and table labels (etl/fields.py plus data/quality.toml [copy].template_sentences), and without
digits, Latin letters, spaces and punctuation, so a copy with new figures and a new year is
still a copy. The database step also drops sentences that many agencies print in the same year
(similarity.common_sentences): a province's or city's template is not one agency's copying.
Shingles are the `shingle_chars`-character windows of each sentence (never across sentences, so
a kept sentence counts whole and a rewritten one not at all). The share is containment:
|A ∩ B| / |A| × 100, "how much of A is found in B" (宿迁: 与上年度重复率).

Candidates among a year's other reports come from datasketch's MinHashLSH (a maintained
library); every candidate's share is then computed exactly on the shingle sets.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash
from rapidfuzz import fuzz, process

from etl.fields import FIELDS, LEGACY_ITEMS, T2_ITEMS, T3_ROWS, T3_SUBTOTALS
from etl.validate.quality_settings import quality_settings

_SENTENCE = re.compile(r"[^。；;!！?？]+[。；;!！?？]?")
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")
_PUNCT = re.compile(r"[。，,；;：:！!？?]")
# a table row printed as a line: tab-separated, or ending in a figure with no clause punctuation
_TABLE_LINE = re.compile(r"\t|^[^。，,；;]*\d\s*$|(?:\s+[\d/—–-]+){3,}\s*$")
_MASK = np.uint64((1 << 61) - 1)
_BASE = np.uint64(1_000_003)
SEED = 1
SCHEME = (
    "affine32"  # datasketch 2: 32-bit permutations, 7x faster than 64-bit (bench/copy_detect.py)
)
_LOW32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class Prose:
    sentences: tuple[str, ...]  # as printed (spaces squeezed)
    normalised: tuple[str, ...]  # Han characters only, template text removed

    @property
    def chars(self) -> int:
        return sum(len(s) for s in self.normalised)


@lru_cache(maxsize=1)
def _template_pattern() -> re.Pattern:
    settings = quality_settings()
    labels = (
        [label for _, label, _ in T3_ROWS] + list(T3_SUBTOTALS.values()) + list(T2_ITEMS.values())
    )
    labels += [label for _, label, _ in LEGACY_ITEMS] + [f.label for f in FIELDS.values()]
    labels += [s["name"] for s in settings["sections"]] + settings["copy"]["template_sentences"]
    phrases = {_NOT_HAN.sub("", p) for p in labels}
    # long phrases first, so a sentence that contains a shorter one is removed whole; one
    # alternation, one pass per sentence (bench/copy_detect.py: 10x faster than a loop)
    ordered = sorted((p for p in phrases if len(p) >= 4), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)))


def own_prose(lines, settings: dict | None = None) -> Prose:
    cfg = (settings or quality_settings())["copy"]
    # titles, headings and table labels carry no clause punctuation; a flattened body is long
    kept = [
        ln.strip()
        for ln in lines
        if not _TABLE_LINE.search(ln)
        and (_PUNCT.search(ln) or len(ln.strip()) > cfg["unpunctuated_chars"])
    ]
    text = "".join(kept)  # PDF lines break mid-sentence: join, then split on sentence ends
    sentences, normalised = [], []
    template = _template_pattern()
    for s in _SENTENCE.findall(text):
        n = template.sub("", _NOT_HAN.sub("", s))
        if len(n) >= cfg["shingle_chars"]:
            sentences.append(re.sub(r"\s+", " ", s).strip())
            normalised.append(n)
    return Prose(tuple(sentences), tuple(normalised))


def profile(lines, settings: dict | None = None) -> tuple[str, bytes, bytes]:
    """What the database step needs of a report: its own prose (normalised sentences, one a
    line), the MinHash of its shingles and its sentence keys. Computed at parse time."""
    cfg = (settings or quality_settings())["copy"]
    own = own_prose(lines, settings)
    return (
        "\n".join(own.normalised),
        signature(shingles(own, cfg["shingle_chars"]), cfg["num_perm"]),
        sentence_keys(own).tobytes(),
    )


def from_own(own: str) -> Prose:
    """A Prose from the stored normalised sentences (printed sentences not kept: same text)."""
    sentences = tuple(s for s in own.split("\n") if s)
    return Prose(sentences, sentences)


def sentence_keys(prose: Prose) -> np.ndarray:
    """A stable 64-bit key per normalised sentence (to find sentences many agencies print)."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
            for s in prose.normalised
        ],
        dtype=np.uint64,
    )


def without(prose: Prose, common: set[int]) -> Prose:
    """The prose without the sentences in `common` (keys from sentence_keys)."""
    if not common:
        return prose
    keep = [i for i, k in enumerate(sentence_keys(prose).tolist()) if k not in common]
    return Prose(tuple(prose.sentences[i] for i in keep), tuple(prose.normalised[i] for i in keep))


def sentence_shingles(sentence: str, k: int) -> np.ndarray:
    """64-bit hashes of the k-character windows of one normalised sentence (numpy, stable)."""
    codes = np.frombuffer(sentence.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrapping multiplication is the hash
        for i in range(k):
            h = h * _BASE + codes[i : len(codes) - k + 1 + i]
    return h & _MASK


def shingles(prose: Prose, k: int) -> np.ndarray:
    """The report's shingle set: every sentence's windows in one numpy pass (windows that
    would span two sentences are dropped)."""
    return np.unique(_windows(prose, k)[1])


def _windows(prose: Prose, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(sentence index, shingle) of every window of k characters inside one sentence, in one
    numpy pass over the sentences joined by a separator (windows across it are dropped)."""
    joined = "\x00".join(prose.normalised)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    if not prose.normalised or n <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k):
            h = h * _BASE + codes[i : n + i]
    breaks = np.concatenate(([0], np.cumsum(codes == 0)))  # separators before each position
    whole = breaks[k : n + k] - breaks[:n] == 0
    return breaks[:n][whole], h[whole] & _MASK


@lru_cache(maxsize=4)
def _permutations(num_perm: int):
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def signature(hashes: np.ndarray, num_perm: int) -> bytes:
    m = MinHash(
        num_perm=num_perm,
        seed=SEED,
        hashfunc=int,
        permutations=_permutations(num_perm),
        scheme=SCHEME,
    )
    if len(hashes):
        m.update_batch(((hashes ^ (hashes >> np.uint64(32))) & _LOW32).tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32).tobytes()


def lean(blob: bytes) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(blob, dtype=np.uint32), scheme=SCHEME)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """% of a's shingles found in b."""
    if len(a) == 0:
        return 0.0
    return 100.0 * len(np.intersect1d(a, b, assume_unique=True)) / len(a)


def _sentence_windows(prose: Prose, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(sentence index, shingle) of every sentence's distinct windows, in one numpy pass: the
    same hashes as sentence_shingles, without a numpy call per sentence (the per-sentence loop
    was 90% of a same-year pair's time, bench/copy_detect.py --boilerplate)."""
    sentence, h = _windows(prose, k)
    order = np.lexsort((h, sentence))
    sentence, h = sentence[order], h[order]
    first = np.ones(len(h), dtype=bool)
    first[1:] = (sentence[1:] != sentence[:-1]) | (h[1:] != h[:-1])
    return sentence[first], h[first]


def repeated_passages(this: Prose, other: Prose, k: int, limit: int) -> list[dict]:
    """This report's sentences mostly found in the other, each beside its closest sentence there."""
    theirs = shingles(other, k)
    sentence, mine = _sentence_windows(this, k)
    count = len(this.normalised)
    total = np.bincount(sentence, minlength=count)
    found = np.bincount(sentence, weights=np.isin(mine, theirs), minlength=count)
    out = []
    for i, (printed, norm) in enumerate(zip(this.sentences, this.normalised)):
        if total[i] == 0 or 100.0 * found[i] / total[i] < 60:
            continue
        best = process.extractOne(norm, other.normalised, scorer=fuzz.ratio)
        if best is None:
            continue
        out.append({"this": printed, "other": other.sentences[best[2]], "score": round(best[1])})
        if len(out) >= limit:
            break
    return out
