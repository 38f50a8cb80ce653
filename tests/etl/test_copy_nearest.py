"""Same-year copy detection stays bounded when every report of a year shares boilerplate.

16 agencies' reports of one year each print 30 of the same 40 real sentences (pingtan_2015's)
with 5% of the characters changed, so the year's LSH returns every pair; agency 1 keeps 70% of
agency 0's sentences as printed (a planted copy). With [copy].nearest = 3 each report is
compared with at most 3 others of the year, and the planted copy is still stored both ways with
the same share as when every candidate is compared.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from datasketch import MinHashLSH

from etl.schema import ensure_schema
from etl.validate.copy_detect import (
    containment,
    lean,
    own_prose,
    profile,
    repeated_passages,
    sentence_shingles,
)
from etl.validate.same_year import nearest, signature_matrix
from etl.validate.similarity import copy_settings, update_similarity
from tests.etl.test_quality_cross import other_sentences

AGENCIES = 16


def boilerplate_year() -> list[str]:
    rng = np.random.default_rng(3)
    pool = other_sentences()[:40]
    han = np.arange(0x4E00, 0x9FA5, dtype=np.uint32)
    docs = []
    for agency in range(AGENCIES):
        picked = []
        for i in sorted(rng.choice(len(pool), 30, replace=False)):
            codes = np.frombuffer(pool[i].encode("utf-32-le"), dtype=np.uint32).copy()
            mask = (rng.random(len(codes)) < 0.05) & (codes >= 0x4E00) & (codes <= 0x9FA5)
            codes[mask] = rng.choice(han, mask.sum())
            picked.append(codes.tobytes().decode("utf-32-le"))
        if agency == 1:  # the planted copy: 70% of agency 0's sentences as printed
            keep = rng.random(len(picked)) < 0.7
            picked = [o if k else f for o, k, f in zip(docs[0].split("\n"), keep, picked)]
        docs.append("\n".join(picked))
    return docs


def database(docs: list[str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    profiles = [profile(d.split("\n")) for d in docs]
    n = len(docs)
    con.register(
        "_r",
        pa.table(
            {
                "report_id": pa.array(range(1, n + 1), pa.int64()),
                "agency_id": [f"A{i}" for i in range(n)],
                "prose": docs,
                "own": [p[0] for p in profiles],
                "minhash": pa.array([p[1] for p in profiles], pa.binary()),
                "sentences": pa.array([p[2] for p in profiles], pa.binary()),
            }
        ),
    )
    con.execute("INSERT INTO agencies (agency_id, name) SELECT agency_id, agency_id FROM _r")
    con.execute("""INSERT INTO reports (report_id, agency_id, year, version, is_current, template,
                   source_path, sha256, format, parser_version, loaded_at)
                   SELECT report_id, agency_id, 2025, 1, true, 'std2021', 'test', report_id::TEXT,
                   'text', 'test', now() FROM _r""")
    con.execute(
        "INSERT INTO report_texts (report_id, prose, own, minhash, sentences) "
        "SELECT report_id, prose, own, minhash, sentences FROM _r"
    )
    return con


def similarity(nearest_k: int) -> dict[tuple[int, int], float]:
    con = database(boilerplate_year())
    update_similarity(con, {**copy_settings(), "nearest": nearest_k})
    rows = con.execute(
        "SELECT report_id, other_report_id, share FROM report_similarity WHERE relation = 'same_year'"
    ).fetchall()
    return {(a, b): share for a, b, share in rows}


def test_boilerplate_year_is_compared_with_the_nearest_only_and_keeps_the_copy():
    every = similarity(1000)
    bounded = similarity(3)
    # unbounded, the boilerplate makes nearly every ordered pair a stored same-year pair
    assert len(every) > 0.8 * AGENCIES * (AGENCIES - 1)
    # bounded: 3 chosen per report, each stored both ways
    assert len(bounded) <= 2 * 3 * AGENCIES
    unordered = {tuple(sorted(p)) for p in bounded}
    assert len(unordered) <= 3 * AGENCIES
    # the planted copy (report 2 keeps 70% of report 1) is still stored both ways, same share
    assert bounded[(2, 1)] == every[(2, 1)] > 50
    assert bounded[(1, 2)] == every[(1, 2)] > 50
    # every stored share is the one the unbounded run computed
    assert all(every[p] == share for p, share in bounded.items())


def test_with_few_candidates_the_lsh_candidates_are_kept_exactly():
    docs = boilerplate_year()[:2] + other_sentences()[40:]  # 2 alike, the rest single sentences
    blobs = [profile(d.split("\n"))[1] for d in docs]
    cfg = copy_settings()
    lsh = MinHashLSH(threshold=cfg["lsh_threshold"], num_perm=cfg["num_perm"])
    for i, blob in enumerate(blobs):
        lsh.insert(i, lean(blob))
    sigs = signature_matrix(blobs)
    rows = np.arange(len(blobs))
    got = {
        row: set(found.tolist())
        for row, found in nearest(sigs, rows, rows, (lsh.b, lsh.r), len(blobs))
    }
    expected = {i: set(lsh.query(lean(b))) - {i} for i, b in enumerate(blobs)}
    assert got == expected
    assert 1 in got[0]  # the two alike reports are candidates of each other


def test_repeated_passages_are_the_sentences_sixty_percent_found_in_the_other():
    docs = boilerplate_year()
    this, other = own_prose(docs[1].split("\n")), own_prose(docs[0].split("\n"))
    theirs = np.unique(np.concatenate([sentence_shingles(s, 8) for s in other.normalised]))
    expected = [
        printed
        for printed, norm in zip(this.sentences, this.normalised)
        if containment(np.unique(sentence_shingles(norm, 8)), theirs) >= 60
    ]
    got = [p["this"] for p in repeated_passages(this, other, 8, 100)]
    assert got == expected and len(got) >= 15  # the planted copy keeps ~70% of 30 sentences
