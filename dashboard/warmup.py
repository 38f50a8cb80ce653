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
    scheme = next(iter(found.values()))
    data.leader(v, int(year), scheme)  # the runs, ranking and summary
    _warm_pages(v, int(year))
    _warm_next_steps(v, int(year), scheme)


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


def _warm_next_steps(v: int, year: int, scheme: str) -> None:
    """Then, once a first view has been shown (visitors.after_a_visit), what the first clicks
    from those views ask for (bench/browser_views.py measured each at 0.2–1.6 s of queries the
    first time): 排名总览's 升降与趋势 (the province trend),
    单位画像 of the agency it opens on (the first ranked one: its years, its group's medians,
    表二) and its 对比 (last year's ranking), 数据质量's 年报质量检查 / 发布及时性 / 按单位."""
    from dashboard import visitors

    visitors.after_a_visit()  # not during someone's first view

    def first_agency() -> None:
        ranked = data.ranking(v, year, scheme, None, ())
        first = ranked.filter(~ranked["missing"].fill_null(False)).head(1)
        if first.height:
            agency, group = first["agency_id"][0], first["peer_group"][0]
            data.agency_profile(v, agency)
            if group:
                data.peer_median(v, group)
            data.agency_values(v, agency, "t2.")

    steps = [
        lambda: data.province_trend(v, None),
        first_agency,
        lambda: data.ranking(v, year - 1, scheme, None, ()),
        lambda: (data.quality_check_summary(v, year, None), data.findings_by_agency(v, year, None)),
        lambda: (data.publication_dates(v, year, None), data.timeliness_by_kind(v, year, None)),
    ]
    for step in steps:
        visitors.step_aside()
        step()
