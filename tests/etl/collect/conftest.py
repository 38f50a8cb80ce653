"""Two local portals built from the real saved reports, collected and loaded once per session.

Portal A ("trs" layout, UTF-8, two list pages): 沭阳县 2025 as an HTML article, 洪泽区 2024 as a
PDF attachment (plus an image stored beside the article and the site logo), a report whose
attachment link is broken, and two look-alike titles that are not reports (a notice, a 解读).
Portal B ("old" layout, GBK, reached from its 政府信息公开 page through a redirect, numbered
pages): the crawler texts of 平潭 2015 and 2023 and the 上海市科委 2024 report, one article under
a path robots.txt forbids. Portal C never answers in time; portal D trickles an article.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.portal import (
    Article,
    Portal,
    md_to_html,
    old_article,
    old_list,
    trs_article,
    trs_list,
)
from tests.conftest import SHARED

REAL = SHARED / "real-reports"
CRAWLED = SHARED / "crawled" if (SHARED / "crawled").is_dir() else Path("/nonexistent")


def truth(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".truth.json").read_text(encoding="utf-8"))


def body_of(path: Path) -> str:
    return md_to_html(path.read_text(encoding="utf-8"))


@dataclass
class Expected:
    """What a person reading portals A and B would write down: title, portal date, files."""

    title: str
    date: str
    source: Path  # the real report inside
    site: str
    kind: str  # page | attachment


@dataclass
class World:
    a: Portal
    b: Portal
    c: Portal
    d: Portal
    sites: Path
    out: Path
    expected: list[Expected] = field(default_factory=list)
    runs: dict = field(
        default_factory=dict
    )  # name -> (exit code, output, seconds, 200s per portal)
    loads: dict = field(default_factory=dict)  # name -> (exit code, output)
    db: Path | None = None
    changed_path: str = ""


def build_a(p: Portal, expected: list[Expected]) -> None:
    shuyang, hongze = REAL / "shuyang_2025.md", REAL / "hongze_2024.pdf"
    arts = [
        (
            "/zwgk/nb/202601/t20260125_101.html",
            Article("沭阳县人民政府2025年政府信息公开工作年度报告", "2026-01-25", body_of(shuyang)),
            shuyang,
            "page",
        ),
        (
            "/zwgk/nb/202601/t20260120_100.html",
            Article(
                "关于做好2025年度政府信息公开工作年度报告编制发布工作的通知",
                "2026-01-20",
                "<p>各单位：……</p>",
            ),
            None,
            None,
        ),
        (
            "/zwgk/nb/202501/t20250120_90.html",
            Article(
                "淮安市洪泽区2024年政府信息公开工作年度报告",
                "2025-01-20",
                "<p>详见附件。</p>",
                [("淮安市洪泽区2024年政府信息公开工作年度报告.pdf", "./P020250120_1.pdf")],
                ["./W020250120_1.png"],
            ),
            hongze,
            "attachment",
        ),
        (
            "/zwgk/nb/202501/t20250121_91.html",
            Article("图解：洪泽区2024年政府信息公开工作年度报告", "2025-01-21", "<p>图解</p>"),
            None,
            None,
        ),
        (
            "/zwgk/nb/202502/t20250210_95.html",
            Article(
                "洪泽区财政局2024年度政府信息公开工作年度报告",
                "2025-02-10",
                "<p>见附件</p>",
                [("报告全文.pdf", "./P020250210_missing.pdf")],
            ),
            None,
            None,
        ),
    ]
    for path, art, src, kind in arts:
        p.put(path, trs_article(art))
        if src is not None:
            expected.append(Expected(art.title, art.date, src, "A", kind))
    p.put("/zwgk/nb/202501/P020250120_1.pdf", hongze.read_bytes(), "application/pdf")
    p.put("/zwgk/nb/202501/W020250120_1.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    p.put("/images/logo.png", b"\x89PNG\r\n\x1a\n" + b"\1" * 64, "image/png")
    items = [(path.replace("/zwgk/nb/", "./"), art.title, art.date) for path, art, _, _ in arts]
    p.put("/zwgk/nb/index.html", trs_list(items[:3], 0, 2))
    p.put("/zwgk/nb/index_1.html", trs_list(items[3:], 1, 2))


def build_b(p: Portal, expected: list[Expected]) -> None:
    gbk = "text/html"  # no charset in the header: the page's <meta> says gbk
    reports = [
        REAL / "pingtan_2015.txt",
        CRAWLED / "pingtan_2023.txt",
        REAL / "shanghai_kewei_2024.md",
    ]
    reports = [r for r in reports if r.is_file()]
    dates = {"pingtan_2023.txt": "2024-03-08", "shanghai_kewei_2024.md": "2025-01-24"}
    items = []
    for i, src in enumerate(reports):
        t = truth(src)
        title = f"{t['agency'].split('（')[0]}{t['year']}年度政府信息公开工作年度报告"
        date = t.get("published") or dates[src.name]
        href = f"/xxgk/nb/content_{200 + i}.htm"
        p.put(
            href,
            old_article(Article(title, date, body_of(src))).encode("gbk", "xmlcharrefreplace"),
            gbk,
        )
        expected.append(Expected(title, date, src, "B", "page"))
        items.append((href, title, date))
    p.put(
        "/private/content_1.htm",
        old_article(
            Article("平潭综合实验区2014年度政府信息公开工作年度报告", "2015-03-01", "<p>内部</p>")
        ),
        gbk,
        encoding="gbk",
    )
    items.append(
        ("/private/content_1.htm", "平潭综合实验区2014年度政府信息公开工作年度报告", "2015-03-01")
    )
    p.put("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    p.put(
        "/xxgk/index.htm",
        (
            '<html><head><meta charset="gbk"><title>政府信息公开</title></head><body>'
            '<a href="/xxgk/zn/">政府信息公开指南</a> <a href="/xxgk/nb/">政府信息公开年报</a>'
            "</body></html>"
        ),
        gbk,
        encoding="gbk",
    )
    p.put("/xxgk/nb/", "/xxgk/nb/list.htm", status=302)
    pages = [items[:2], items[2:]]
    p.put("/xxgk/nb/list.htm", old_list(pages[0], 1, 2), gbk, encoding="gbk")
    p.put("/xxgk/nb/list.htm?page=1", old_list(pages[0], 1, 2), gbk, encoding="gbk")
    p.put("/xxgk/nb/list.htm?page=2", old_list(pages[1], 2, 2), gbk, encoding="gbk")


def collect_cli(world: World, *extra: str):
    from click.testing import CliRunner

    from gongkai.cli import cli

    before = {n: len(getattr(world, n).fetched()) for n in "abcd"}
    t0 = time.monotonic()
    res = CliRunner().invoke(
        cli,
        [
            "collect",
            "--sites",
            str(world.sites),
            "--out",
            str(world.out),
            "--interval",
            "0",
            "--deadline",
            "1.5",
            "--retries",
            "0",
            "--allow-address",
            "127.0.0.1",  # the portals are local: listed, as an office lists an intranet host
            *extra,
        ],
    )
    took = time.monotonic() - t0
    new = {n: getattr(world, n).fetched()[before[n] :] for n in "abcd"}
    return res.exit_code, res.output, took, new


def bump_first_figure(md: str) -> str:
    """The same report with one figure of its first table changed (a real content change)."""
    lines = md.splitlines()
    for i, line in enumerate(lines):
        m = re.search(r"\|\s*(\d+)\s*\|", line) if line.startswith("|") else None
        if m:
            lines[i] = line[: m.start(1)] + str(int(m.group(1)) + 1) + line[m.end(1) :]
            return "\n".join(lines)
    raise AssertionError("no table figure to change")


def load_cli(world: World, *paths: str):
    from click.testing import CliRunner

    from gongkai.cli import cli

    res = CliRunner().invoke(cli, ["load", *(paths or [str(world.out)]), "--db", str(world.db)])
    return res.exit_code, res.output


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """Collect all sites, load; change one report on portal A; collect A and B again, load;
    collect A and B a third time."""
    base = tmp_path_factory.mktemp("collect")
    expected: list[Expected] = []
    with Portal() as a, Portal() as b, Portal() as c, Portal() as d:
        build_a(a, expected)
        build_b(b, expected)
        c.put("/nb/index.html", trs_list([], 0, 1))
        c.delays["/nb/index.html"] = 30.0  # headers never come within the deadline
        d.put(
            "/nb/t1.html",
            trs_article(
                Article(
                    "沭阳县人民政府2024年政府信息公开工作年度报告",
                    "2025-01-05",
                    body_of(REAL / "shuyang_2025.md"),
                )
            ),
        )
        d.trickle["/nb/t1.html"] = (
            0.05  # 64 bytes every 50 ms: each read is quick, the whole is not
        )
        d.put(
            "/nb/index.html",
            trs_list(
                [("t1.html", "沭阳县人民政府2024年政府信息公开工作年度报告", "2025-01-05")], 0, 1
            ),
        )
        d.put("/empty/index.html", trs_list([], 0, 1))
        sites = base / "sites.csv"
        rows = [
            f"321322-GOV,{a.base}/zwgk/nb/index.html,trs",
            f"350128-GOV,{b.base}/xxgk/index.htm,old gbk",
        ]
        sites.write_text(
            "agency,url,note\n"
            + "\n".join(
                rows
                + [
                    f"沭阳县人民政府,{c.base}/nb/index.html,slow",
                    f"宿迁市,{d.base}/nb/index.html,trickle",
                    f"宿迁市交通运输局,{d.base}/empty/index.html,empty",
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        w = World(a, b, c, d, sites, base / "collected", expected)
        w.db = base / "gongkai.duckdb"
        w.runs["first"] = collect_cli(w)
        w.loads["first"] = load_cli(w)
        changed = REAL / "shuyang_2025.md"
        w.changed_path = "/zwgk/nb/202601/t20260125_101.html"
        a.put(
            w.changed_path,
            trs_article(
                Article(
                    "沭阳县人民政府2025年政府信息公开工作年度报告",
                    "2026-01-25",
                    md_to_html(bump_first_figure(changed.read_text(encoding="utf-8"))),
                )
            ),
        )
        w.sites = base / "sites-ab.csv"
        w.sites.write_text(
            "agency,url\n" + "\n".join(r.rsplit(",", 1)[0] for r in rows) + "\n", encoding="utf-8"
        )
        w.runs["second"] = collect_cli(w)
        w.loads["second"] = load_cli(w)
        w.runs["third"] = collect_cli(w)
        yield w
