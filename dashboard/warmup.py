"""The dashboard server's warm-up (dashboard/server.py runs it on a thread; no page calls it):
what a page's first run would otherwise pay, done while Streamlit starts and again after each
load, correction or scheme edit, through the same caches the pages read (dashboard.data)."""

from __future__ import annotations

from dashboard import data


def warm_code() -> None:
    """Once at server start, on the warm-up thread: what a page's first run would otherwise pay
    in the visitor's script run (found with cProfile on a cold 排名总览): Streamlit's emoji
    catalogue (the page icon of st.set_page_config); inspect's map of module files, which
    Streamlit's first element fills through inspect.stack(). No page draws Plotly or styles a
    table on its first paint any more (dashboard/vega.py, flag pills), so neither is warmed:
    on 2 cores that work competed with the visitor's browser. Its caller
    (dashboard/server.py) drops a failure: only a head start, the page imports what it needs."""
    from streamlit import env_util, string_util

    string_util.is_emoji("📊")
    env_util.is_repl()


def warm() -> None:
    """At server start (once Streamlit's runtime is up: the st caches live in it) and after each
    load, correction or scheme edit, on dashboard/server.py's thread: open the pages' cached
    connection, read the default year and the year before under the default scheme as the load
    stored them (or score them when not stored) with the ranking and the 排名总览 summary, and
    run the cached queries of each page's default view, so a first view only reads what is
    ready. Its caller (dashboard/server.py) drops a failure: the first page says it, in Chinese."""
    v = data.db_version()
    year = data.default_year(v)
    found = data.schemes()
    if year is None or not found:
        return
    data.leader(v, int(year), next(iter(found.values())))  # the runs, ranking and summary
    _warm_pages(v, int(year))


def _warm_pages(v: int, year: int) -> None:
    """The cached queries of the sidebar and of each page's default view (the default year, all
    peer groups), the 排名总览 page's first; each after any visitor's script run in progress
    (dashboard/visitors.py)."""
    from dashboard import visitors

    steps = [
        lambda: (data.years(v), data.peer_groups(v), data.missing_reports(v, year, None)),
        lambda: (data.agencies(v), data.home_agencies(v)),
        lambda: data.review_litigation(v, year, None, "corrected_total"),
        lambda: data.review_litigation_trend(v, None),
        lambda: (data.findings(v, year, None, None), data.findings_summary(v, year, None)),
        lambda: (
            data.load_errors(v),
            data.late_reports(v, year, None),
            data.copied_reports(v, year, None),
        ),
    ]
    for step in steps:
        visitors.step_aside()
        step()
