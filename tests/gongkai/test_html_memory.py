"""An HTML page too big for its reader's memory is refused, never read as "no text" (issue 23).

libxml2 (under lxml) stops building a page's tree, without an error, where the worker's memory
cap refuses it an allocation: the 50 MB Word-exported page of test_bad_inputs.py then read as
`no_text` (or, cut later, as part of the report). It must be refused on the one line of the
memory cap, too_much_memory, both in a load's pool of workers (32 files or more) and in the
worker a small load or `gongkai parse` reads with.
"""

from __future__ import annotations

import dataclasses

import pytest

from etl import parse_pool, parse_worker, stuck_workers, worker_memory
from etl.errors import ReportError
from etl.limits import LIMITS
from tests.conftest import last_line_of_a_fresh_python
from tests.gongkai.conftest import huge_html

pytestmark = pytest.mark.slow  # forked workers reading a 50 MB page

# Beyond what a worker inherits: the page's tree needs 550-600 MB, so libxml2 stops short
# here (a cap far smaller fails in Python first, a MemoryError that was always refused).
_TOO_LITTLE = 400 << 20


@pytest.fixture(scope="module")
def page() -> bytes:
    return huge_html(2016)


def _small_caps() -> None:
    small = dataclasses.replace(
        LIMITS, worker_memory_bytes=_TOO_LITTLE, lone_worker_memory_bytes=_TOO_LITTLE
    )
    worker_memory.LIMITS = small  # the forked workers inherit it


def _pool_case() -> object:
    pool = parse_worker.start_pool(2)  # a load of 32 files or more: two capped workers
    assert pool is not None
    try:
        done = pool.submit(parse_pool._parse_chunk, [("big.html", huge_html(2016))])
        [(outcome, refusal, *_)] = done.result(timeout=300)
    finally:
        pool.shutdown(wait=True)
        stuck_workers.forget()
    return refusal if outcome == "error" else f"read: {outcome}"


def _lone_case() -> object:
    try:
        return f"read: {parse_worker.parse_alone('big.html', huge_html(2016))}"
    except ReportError as refusal:
        return refusal


def _in_a_fresh_interpreter(case: str) -> str:
    """What a case printed, run in a new Python process. The cap counts from what a worker
    inherits, and a worker forked from a long-lived process (a whole suite in one xdist worker)
    inherits a heap with hundreds of MB already free inside it, where libxml2 allocates without
    growing the data segment: the cap must be met from a small parent, as a load's or
    `gongkai parse`'s process is."""
    code = (
        "import tests.gongkai.test_html_memory as t\n"
        "t._small_caps()\n"
        f"r = t.{case}()\n"
        "print(getattr(r, 'code', r), '|', r)\n"
    )
    return last_line_of_a_fresh_python(code)


def _assert_too_much_memory(printed: str) -> None:
    code, _, message = printed.partition(" | ")
    assert code == "too_much_memory", printed
    assert "reading it needed more than the limit of 400 MB of memory" in message


def test_a_page_too_big_for_a_pool_worker_is_refused_not_read_as_empty():
    _assert_too_much_memory(_in_a_fresh_interpreter("_pool_case"))


def test_a_page_too_big_for_the_lone_worker_is_refused_not_read_as_empty():
    _assert_too_much_memory(_in_a_fresh_interpreter("_lone_case"))


def test_the_same_page_is_read_whole_within_the_real_caps(page):
    report = parse_worker.parse_alone("big.html", page)  # 900 MB alone
    assert len(report.values) > 100 and report.year == 2016


def test_a_tree_cut_inside_the_chunk_that_opened_its_last_element_is_seen():
    """libxml2 may stop inside the chunk where its last element opened (the 44 MB picture's
    <img> completes in the page's last chunk, the report after it never comes): the tree's
    last element is then not the page's last start tag."""
    from lxml import etree

    from etl.extract.html import _stopped_short

    page = (
        '<html><body><div style="display:none"><a href="/">政务公开</a></div>'
        '<p><img src="data:image/png;base64,AAAA"></p><!-- <p>注释</p> -->'
        "<table><tr><td>本年新收</td><td>95</td></tr></table>"
        "<script>if (a<b) { s = '<div>' }</script></body></html>"
    )
    whole = etree.fromstring(page, etree.HTMLParser())
    cut = etree.fromstring(page[: page.index("<table>")], etree.HTMLParser())
    assert not _stopped_short(page, len(page), "script", whole)
    assert _stopped_short(page, len(page), "img", cut)


def test_a_load_of_32_files_never_reads_the_page_as_empty(tmp_path, page):
    """The pool path at the real caps (two workers of 600 MB): the 50 MB page is refused
    too_much_memory on the shared machine (before: no_text); where 600 MB suffice it loads."""
    from etl import pipeline
    from tests.conftest import SEEDS
    from tests.gongkai.conftest import query

    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for n in range(31):  # 32 files with the page: a pool of two workers (copies load once)
        (folder / f"{n:02d}_{seeds[n % len(seeds)].name}").write_bytes(
            seeds[n % len(seeds)].read_bytes()
        )
    (folder / "big.html").write_bytes(page)
    db = tmp_path / "g.duckdb"
    summary = pipeline.run_load([folder], db, parser_version="html-memory", workers=2)
    codes = dict(query(db, "SELECT path, code FROM load_errors WHERE run_id = ?", [summary.run_id]))
    big = str(folder / "big.html")
    assert codes.get(big) == "too_much_memory" or big in summary.loaded, codes.get(big)
