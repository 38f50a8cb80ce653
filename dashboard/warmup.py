"""The dashboard server's warm-up (dashboard/server.py runs it on a thread; no page calls it):
what a page's first run would otherwise pay, done while Streamlit starts and again after each
load, correction or scheme edit, through the same caches the pages read (dashboard.data)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path

from dashboard import data

DASHBOARD = Path(__file__).resolve().parent


def warm_code() -> None:
    """Once at server start, on the warm-up thread: what a page's first run would otherwise pay
    in the visitor's script run (found with cProfile and py-spy on cold views): the modules the
    pages import (a page file is run by Streamlit, not imported: its imports are read from its
    source here), Streamlit's emoji catalogue (the page icon of st.set_page_config); inspect's
    map of module files, which Streamlit's first element fills through inspect.stack(). It runs
    before the server takes visitors (dashboard/server.py), so it competes with no browser. Its
    caller (dashboard/server.py) drops a failure: only a head start, the page imports what it
    needs."""
    import polars as pl
    from streamlit import dataframe_util, env_util, string_util

    for name in sorted(_modules_the_pages_import()):
        importlib.import_module(name)
    string_util.is_emoji("📊")
    env_util.is_repl()
    # a table's first polars → pandas → Arrow conversion imports pandas' Arrow machinery:
    # 0.39 s inside the first st.dataframe of a visitor's run (py-spy, 排名总览)
    frame = dataframe_util.convert_anything_to_pandas_df(pl.DataFrame({"单位": ["甲"], "n": [1]}))
    dataframe_util.convert_pandas_df_to_arrow_bytes(frame)


def _modules_the_pages_import() -> set[str]:
    """Absolute imports of every page file of nav.PAGES, with `from package import module`
    read as the module (dashboard.views.widgets)."""
    from dashboard import nav

    found: set[str] = set()
    for spec in nav.PAGES:
        tree = ast.parse((DASHBOARD / spec.file).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
                found.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_submodule(node.module, alias.name)
                )
    return found - {"__future__"}


def _is_submodule(package: str, name: str) -> bool:
    """`from package import name` imports a module (not a name defined in the package)."""
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except ModuleNotFoundError:  # `package` is a module, not a package (exports.formats)
        return False


def warm(pages_ready: Callable[[], None] = lambda: None) -> None:
    """At server start (once Streamlit's runtime is up: the st caches live in it) and after each
    load, correction or scheme edit, on dashboard/server.py's thread: open the pages' cached
    connection, read the default year and the year before under the default scheme as the load
    stored them (or score them when not stored) with the ranking and the 排名总览 summary, and
    run the cached queries of each page's default view, so a first view only reads what is
    ready. `pages_ready` is called once the default views are (the server then takes visitors:
    dashboard/server.py), before the next clicks' queries. Its caller (dashboard/server.py)
    drops a failure: the first page says it, in Chinese."""
    v = data.db_version()
    year = data.default_year(v)
    found = data.schemes()
    if year is None or not found:
        return
    scheme = next(iter(found.values()))
    data.leader(v, int(year), scheme)  # the runs, ranking and summary
    _warm_pages(v, int(year), scheme)
    pages_ready()
    _warm_next_steps(v, int(year), scheme)


def _warm_pages(v: int, year: int, scheme: str) -> None:
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
    _first_agency(v, year, scheme)


def _first_agency(v: int, year: int, scheme: str) -> None:
    """单位画像's default view: the first ranked agency's years, its group's medians, 表二."""
    ranked = data.ranking(v, year, scheme, None, ())
    first = ranked.filter(~ranked["missing"].fill_null(False)).head(1)
    if first.height:
        agency, group = first["agency_id"][0], first["peer_group"][0]
        data.agency_profile(v, agency)
        if group:
            data.peer_median(v, group)
        data.agency_values(v, agency, "t2.")


def _warm_next_steps(v: int, year: int, scheme: str) -> None:
    """Then, once a first view has been shown (visitors.after_a_visit), what the first clicks
    from those views ask for (bench/browser_views.py measured each at 0.2–1.6 s of queries the
    first time): 排名总览's 升降与趋势 (the province trend), 单位画像's 对比 (last year's
    ranking), 数据质量's 年报质量检查 / 发布及时性 / 按单位."""
    from dashboard import visitors

    visitors.after_a_visit()  # not during someone's first view

    steps = [
        lambda: data.province_trend(v, None),
        lambda: data.ranking(v, year - 1, scheme, None, ()),
        lambda: (data.quality_check_summary(v, year, None), data.findings_by_agency(v, year, None)),
        lambda: (data.publication_dates(v, year, None), data.timeliness_by_kind(v, year, None)),
    ]
    for step in steps:
        visitors.step_aside()
        step()
