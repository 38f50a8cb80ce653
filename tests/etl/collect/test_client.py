"""The collector's HTTP client and page reading, each against a small local portal."""

from __future__ import annotations

import time
from datetime import date

import pytest
from click.testing import CliRunner

from bench.portal import Article, Portal, md_to_html, trs_article, trs_list
from etl.collect import article, pages
from etl.collect.http import Client, Policy
from etl.collect.manifest import read_findings
from etl.collect.run import collect, read_sites
from gongkai.cli import cli
from tests.etl.collect.conftest import REAL, bump_first_figure


def fast(**kw) -> Policy:
    policy = {"deadline": 2.0, "retries": 0, "backoff": 0.05, "interval": 0.0}
    return Policy(**{**policy, "allow": ("127.0.0.1",), **kw})  # the local portal, listed


def test_requests_to_one_host_are_spaced_by_the_rate_limit():
    with Portal() as p:
        for i in range(3):
            p.put(f"/{i}.html", f"<html><body>{i}</body></html>")
        client = Client(fast(interval=0.2))
        t0 = time.monotonic()
        got = [client.get(f"{p.base}/{i}.html") for i in range(3)]
        took = time.monotonic() - t0
    assert [g.status for g in got] == [200, 200, 200]
    assert took >= 0.2 * 3 - 0.05  # robots.txt, then three pages, 0.2 s apart


def test_retries_back_off_and_give_one_line():
    with Portal() as p:
        p.put("/busy.html", "busy", status=503)
        client = Client(fast(retries=2, backoff=0.1))
        t0 = time.monotonic()
        got = client.get(f"{p.base}/busy.html")
        took = time.monotonic() - t0
    assert [s for m, path, s in p.requests if path == "/busy.html"] == [503, 503, 503]
    assert took >= 0.1 + 0.2 and got.error == "HTTP 503 Service Unavailable"


def test_redirects_stay_within_http_and_size_is_capped():
    with Portal() as p:
        p.put("/away", "file:///etc/passwd", status=302)
        p.put("/here", "/big.pdf", status=301)
        p.put("/big.pdf", b"%PDF-" + b"0" * 5000, "application/pdf")
        client = Client(fast())
        away = client.get(f"{p.base}/away")
        big = client.get(f"{p.base}/here", max_bytes=1000)
        ok = client.get(f"{p.base}/here")
    assert "http(s) 以外" in away.error and away.data == b""
    assert "上限" in big.error and big.data == b""
    assert ok.ok and ok.final_url.endswith("/big.pdf") and len(ok.data) == 5005


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("沭阳县人民政府2025年政府信息公开工作年度报告", 2025),
        ("上海市科学技术委员会2024年度政府信息公开工作年度报告", 2024),
        ("XX县交通运输局二〇二三年政府信息公开年报", 2023),
        ("2022年度XX市政府信息公开工作年度报告（更正版）", 2022),
        ("XX市人民政府办公室政府信息公开年度工作报告（2021年）", 2021),
    ],
)
def test_report_titles(title, year):
    assert pages.is_report_title(title) and pages.report_year(title) == year


@pytest.mark.parametrize(
    "title",
    [
        "关于做好2024年度政府信息公开工作年度报告编制发布工作的通知",
        "图解：XX区2024年政府信息公开工作年度报告",
        "政府信息公开年报",  # the column, no year
        "XX县2024年国民经济和社会发展统计公报",
        "XX县2024年政府工作报告",
    ],
)
def test_not_report_titles(title):
    assert not pages.is_report_title(title)


@pytest.mark.slow  # collects and reads (or loads) whole reports: seconds
def test_a_report_on_two_urls_with_different_figures_is_a_conflict(tmp_path):
    md = (REAL / "shanghai_kewei_2024.md").read_text(encoding="utf-8")
    title = "上海市科学技术委员会2024年度政府信息公开工作年度报告"
    with Portal() as p:
        p.put("/nb/a.html", trs_article(Article(title, "2025-01-24", md_to_html(md))))
        p.put(
            "/nb/b.html",
            trs_article(
                Article(title + "（更新）", "2025-01-26", md_to_html(bump_first_figure(md)))
            ),
        )
        p.put("/nb/c.html", trs_article(Article(title, "2025-01-24", md_to_html(md))))  # a mirror
        p.put(
            "/nb/index.html",
            trs_list(
                [
                    ("a.html", title, "2025-01-24"),
                    ("c.html", title, "2025-01-24"),
                    ("b.html", title + "（更新）", "2025-01-26"),
                ],
                0,
                1,
            ),
        )
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n310000-KW,{p.base}/nb/index.html\n", encoding="utf-8")
        summary = collect(read_sites(sites), tmp_path / "out", policy=fast())
    conflicts = [
        f for f in read_findings(tmp_path / "out") if f.rule == "portal.conflicting_versions"
    ]
    assert summary.sites[0].reports == 3 and len(conflicts) == 1
    assert set(conflicts[0].articles.split("|")) == {f"{p.base}/nb/{n}.html" for n in "abc"}


def test_year_option_and_no_report_for_that_year(tmp_path):
    title = "上海市科学技术委员会2024年度政府信息公开工作年度报告"
    with Portal() as p:
        p.put("/nb/a.html", trs_article(Article(title, "2025-01-24", "<p>正文</p>")))
        p.put("/nb/index.html", trs_list([("a.html", title, "2025-01-24")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n310000-KW,{p.base}/nb/index.html\n", encoding="utf-8")
        collect(read_sites(sites), tmp_path / "out", year=2023, policy=fast())
        assert "/nb/a.html" not in p.fetched()
        collect(read_sites(sites), tmp_path / "out", year=2024, policy=fast())
        assert "/nb/a.html" in p.fetched()
    found = read_findings(tmp_path / "out")
    assert [(f.rule, f.year) for f in found] == [("portal.no_report", "2023")]  # 2024 was found


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "文件不存在"),
        ("name,link\n沭阳县,http://x\n", "表头"),
        ("agency,url\n沭阳县,ftp://x/y\n", "sites.csv:2: 网址不是 http(s)"),
        ("agency,url\n", "没有站点"),
        (b"agency,url\n\xff\xfe\x00bad,http://x/\n", "无法识别文字编码"),
    ],
)
def test_bad_sites_csv_is_one_clear_line(tmp_path, content, says):
    sites = tmp_path / "sites.csv"
    if isinstance(content, bytes):
        sites.write_bytes(content)
    elif content is not None:
        sites.write_text(content, encoding="utf-8")
    res = CliRunner().invoke(cli, ["collect", "--sites", str(sites), "--out", str(tmp_path / "o")])
    assert (
        res.exit_code == 2 and "Traceback" not in res.output
    )  # 2: bad input (gongkai/failures.py)
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and says in lines[0] and str(sites) in lines[0]


def test_framed_list_moved_article_and_download_script_attachment(tmp_path):
    title = "淮安市洪泽区2024年政府信息公开工作年度报告"
    pdf = (REAL / "hongze_2024.pdf").read_bytes()
    with Portal() as p:
        p.put("/col/index.html", '<html><body><iframe src="/col/list.html"></iframe></body></html>')
        p.put("/col/list.html", trs_list([("/old/a.html", title, "2025-01-20")], 0, 1))
        p.put("/old/a.html", "/art/2025/1/20/a.html", status=301)
        p.put(
            "/art/2025/1/20/a.html",
            trs_article(
                Article(
                    title,
                    "2025-01-20",
                    "<p>详见附件</p>",
                    [
                        (
                            "点击下载",
                            "../../../../module/download/downfile.jsp?classid=0&filename=2501.pdf",
                        )
                    ],
                )
            ),
        )
        p.put("/module/download/downfile.jsp?classid=0&filename=2501.pdf", pdf, "application/pdf")
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n320813-GOV,{p.base}/col/index.html\n", encoding="utf-8")
        collect(read_sites(sites), tmp_path / "out", policy=fast())
    from etl.collect.manifest import read_rows

    rows = {r.role: r for r in read_rows(tmp_path / "out")}
    assert rows["page"].title == title and rows["page"].published == "2025-01-20"
    saved = (tmp_path / "out" / rows["attachment"].file).read_bytes()
    assert saved == pdf and rows["attachment"].status == "200"
    assert rows["attachment"].file.endswith("/2501.pdf")  # named by the query, not downfile.jsp


def test_a_new_script_token_is_no_new_version_but_a_new_sentence_is(tmp_path):
    title = "上海市科学技术委员会2024年度政府信息公开工作年度报告"
    md = (REAL / "shanghai_kewei_2024.md").read_text(encoding="utf-8")

    def page(token: str, body: str) -> str:
        return trs_article(Article(title, "2025-01-24", body)).replace(
            "</head>", f'<script>var csrf="{token}";</script></head>'
        )

    with Portal() as p:
        p.put("/nb/index.html", trs_list([("a.html", title, "2025-01-24")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n310000-KW,{p.base}/nb/index.html\n", encoding="utf-8")
        runs = []
        for token, text in (
            ("t1", md),
            ("t2", md),
            ("t3", md + "\n\n（2025年2月更正表三一处笔误）"),
        ):
            p.put("/nb/a.html", page(token, md_to_html(text)))
            runs.append(collect(read_sites(sites), tmp_path / "out", policy=fast()).sites[0])
    assert [(r.new, r.changed, r.unchanged) for r in runs] == [(1, 0, 0), (0, 0, 1), (0, 1, 0)]
    from etl.collect.manifest import read_rows

    [row] = read_rows(tmp_path / "out")
    assert b'csrf="t3"' in (tmp_path / "out" / row.file).read_bytes()
    [old] = (tmp_path / "out" / ".superseded").rglob("*.html")
    assert b'csrf="t1"' in old.read_bytes()  # the t2 copy was never written: it read the same


def test_pages_of_a_list_stay_in_the_column():
    html = (
        '<html><body><a href="/">首页</a><a href="index_1.html">下一页</a><a href="index_5.html">尾页</a>'
        '<a href="?page=3">3</a><a href="2023/index.html">2023年</a><a href="/news/index_1.html">2</a>'
        '<a href="/zwgk/index.html">1</a><script>createPageHTML(3, 0, "index", "html");</script>'
        "</body></html>"
    ).encode("gbk")
    page = pages.read_page("http://h/xxgk/nb/index.html", html)
    got = pages.page_links(page, "http://h/xxgk/nb/index.html")
    assert got == [
        "http://h/xxgk/nb/index_1.html",
        "http://h/xxgk/nb/index_5.html",
        "http://h/xxgk/nb/index.html?page=3",
        "http://h/xxgk/nb/2023/index.html",
        "http://h/xxgk/nb/index_2.html",
    ]


def test_gbk_page_with_no_declared_charset_is_read():
    text = "<html><body><p>发布时间：2024-03-08</p><h1>平潭综合实验区2023年度政府信息公开工作年度报告</h1></body></html>"  # noqa: E501
    page = pages.read_page("http://h/a.htm", text.encode("gbk"))
    assert article.title(page) == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert article.published(page) == "2024-03-08"


@pytest.mark.slow  # collects and reads (or loads) whole reports: seconds
def test_a_report_naming_no_agency_is_the_sites_agency_when_loaded(tmp_path):
    import re

    import duckdb

    from etl.collect.sites import name_sites
    from etl.pipeline import run_load
    from etl.registry import load_registry
    from etl.settings import Settings

    md = (REAL / "shanghai_kewei_2024.md").read_text(encoding="utf-8")
    anonymous = re.sub(r"上海市科学技术委员会|上海市科委|市科委|科委", "本委", md)
    title = "2024年度政府信息公开工作年度报告"  # a department's own column names no one
    with Portal() as p:
        p.put("/nb/a.html", trs_article(Article(title, "2025-01-24", md_to_html(anonymous))))
        p.put("/nb/index.html", trs_list([("a.html", title, "2025-01-24")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n310000-KW,{p.base}/nb/index.html\n", encoding="utf-8")
        named = name_sites(read_sites(sites), load_registry(Settings().registry_path))
        collect(named, tmp_path / "out", policy=fast())
    run_load([tmp_path / "out"], tmp_path / "g.duckdb", workers=1)
    con = duckdb.connect(str(tmp_path / "g.duckdb"), read_only=True)
    try:
        got = con.execute(
            "SELECT agency_id, year, published, days_late FROM current_reports"
        ).fetchall()
    finally:
        con.close()
    assert got == [
        ("310000-KW", 2024, date(2025, 1, 24), (date(2025, 1, 24) - date(2025, 1, 31)).days)
    ]


def test_an_interrupted_run_keeps_what_it_saved(tmp_path):
    from etl.collect.manifest import read_rows

    titles = [f"上海市科学技术委员会{y}年度政府信息公开工作年度报告" for y in (2024, 2023)]
    with Portal() as p:
        for i, t in enumerate(titles):
            p.put(f"/nb/{i}.html", trs_article(Article(t, "2025-01-24", "<p>正文</p>")))
        p.put(
            "/nb/index.html",
            trs_list([(f"{i}.html", t, "2025-01-24") for i, t in enumerate(titles)], 0, 1),
        )
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n310000-KW,{p.base}/nb/index.html\n", encoding="utf-8")

        def progress_for(site):
            def tick(what, url):
                if url.endswith("/1.html"):
                    raise KeyboardInterrupt  # Ctrl+C while the second report is fetched

            return tick if site else None

        with pytest.raises(KeyboardInterrupt):
            collect(read_sites(sites), tmp_path / "out", policy=fast(), progress_for=progress_for)
        assert [r.url.rsplit("/", 1)[1] for r in read_rows(tmp_path / "out")] == ["0.html"]
        again = collect(read_sites(sites), tmp_path / "out", policy=fast()).sites[0]
    assert (again.new, again.unchanged) == (1, 1)


def test_sites_csv_saved_by_excel_as_gbk_is_read(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_bytes("agency,url\n沭阳县人民政府,http://127.0.0.1:9/nb/\n".encode("gbk"))
    assert [(s.agency, s.line) for s in read_sites(sites)] == [("沭阳县人民政府", 2)]


def test_a_list_linking_the_pdf_itself(tmp_path):
    title = "淮安市洪泽区2024年政府信息公开工作年度报告"
    pdf = (REAL / "hongze_2024.pdf").read_bytes()
    with Portal() as p:
        p.put("/nb/2024nb.pdf", pdf, "application/pdf")
        p.put("/nb/index.html", trs_list([("2024nb.pdf", title, "2025-01-21")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n320813-GOV,{p.base}/nb/index.html\n", encoding="utf-8")
        result = collect(read_sites(sites), tmp_path / "out", policy=fast()).sites[0]
    from etl.collect.manifest import read_rows

    [row] = read_rows(tmp_path / "out")
    assert result.reports == 1 and row.title == title and row.published == "2025-01-21"
    assert row.file.endswith("/2024nb.pdf") and (tmp_path / "out" / row.file).read_bytes() == pdf


def test_a_full_disk_is_one_line_and_exit_3(tmp_path, monkeypatch):
    import errno

    from etl.collect import store

    title = "上海市科学技术委员会2024年度政府信息公开工作年度报告"

    def full(self, rel, data, replaces=""):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.out / rel))

    monkeypatch.setattr(store.Store, "save", full)
    with Portal() as p:
        p.put("/nb/a.html", trs_article(Article(title, "2025-01-24", "<p>正文</p>")))
        p.put("/nb/index.html", trs_list([("a.html", title, "2025-01-24")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n310000-KW,{p.base}/nb/index.html\n", encoding="utf-8")
        res = CliRunner().invoke(
            cli,
            ["collect", "--sites", str(sites), "--out", str(tmp_path / "o"), "--interval", "0"]
            + ["--allow-address", "127.0.0.1"],
        )
    assert res.exit_code == 3 and "Traceback" not in res.output
    [line] = [ln for ln in res.output.splitlines() if "No space" in ln]
    assert "a.html" in line and "再次运行" in line
