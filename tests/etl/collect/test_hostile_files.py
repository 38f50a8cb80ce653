"""A hostile portal's pages and names, and a hostile sites.csv: pages with tens of thousands of
links, attachment names long in bytes or reserved on Windows, over-long and broken CSV rows.
Local portals only; big inputs are generated here, never committed."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from click.testing import CliRunner

from bench.portal import Article, Portal, trs_article, trs_list
from etl.collect import pages
from etl.collect.http import Policy
from etl.collect.manifest import read_rows
from etl.collect.run import collect, read_sites
from etl.collect.sites import CollectError
from etl.collect.store import MAX_NAME_BYTES
from etl.safe_text import portable_name
from gongkai.cli import cli

TITLE = "上海市科学技术委员会2024年度政府信息公开工作年度报告"


def fast() -> Policy:
    return Policy(deadline=3.0, retries=0, interval=0.0, allow=("127.0.0.1",))


def many_links(n: int) -> bytes:
    """n links in one <div>, the first with a date beside it in its own <p>: each link used to
    count every link of the <div> again (4,000 links took 49 s, 10,000 several minutes)."""
    links = "".join(f'<a href="/nb/{i}.html">第{i}条通知</a> ' for i in range(1, n))
    first = '<p><a href="/nb/0.html">第0条通知</a> 2025-01-01</p>'
    return f"<html><body><div>{first}{links}</div></body></html>".encode()


def test_twenty_thousand_links_are_read_in_linear_time_and_capped():
    page = pages.read_page("http://x.test/nb/index.html", many_links(20_000), "text/html")
    t0 = time.perf_counter()
    found = pages.links(page)
    took = time.perf_counter() - t0
    assert took < 2.0, f"{took:.1f} s"  # was minutes: each link counted its whole list again
    assert page.links_found == 20_000 and len(found) == pages.MAX_LINKS == 5000
    assert found[0].date == "2025-01-01" and found[1].date is None
    assert found[-1].url == "http://x.test/nb/4999.html"


def test_a_list_page_with_twenty_thousand_links_says_so_and_goes_on(tmp_path):
    with Portal() as p:
        p.put("/nb/index.html", many_links(20_000))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n上海市科委,{p.base}/nb/index.html\n", encoding="utf-8")
        t0 = time.perf_counter()
        [site] = collect(read_sites(sites), tmp_path / "out", policy=fast()).sites
        took = time.perf_counter() - t0
    assert took < 10 and site.reached and site.reports == 0
    [line] = [ln for ln in site.problems if "个链接" in ln]
    assert "有 20000 个链接，超过 5000 个上限，只读取了前 5000 个" in line


@pytest.mark.parametrize(
    ("given", "ext", "expected"),
    [
        ("CON", ".pdf", "_CON.pdf"),
        ("nul", ".txt", "_nul.txt"),
        ("com1", ".html", "_com1.html"),
        ("Lpt9.tar", ".gz", "_Lpt9.tar.gz"),
        ("aux.pdf", "", "_aux.pdf"),
        ("AUX ", ".pdf", "_AUX.pdf"),
        ("console", ".pdf", "console.pdf"),  # only the device names themselves
        ("报告. . ", ".pdf", "报告.pdf"),
        ("报告.", "", "报告"),
        ('a<b>c:d"e/f\\g|h?i*j', ".pdf", "a_b_c_d_e_f_g_h_i_j.pdf"),
        ("tab\there\x7fnul\x00", ".pdf", "tab_here_nul.pdf"),
        ("evil\u202efdp.exe", "", "evil_fdp.exe"),  # a right-to-left override shown as is
        ("..", "", "_"),
        ("", ".pdf", "_.pdf"),
    ],
)
def test_portable_names(given, ext, expected):
    assert portable_name(given, MAX_NAME_BYTES, ext) == expected


def test_long_names_are_cut_in_bytes_on_a_character_boundary():
    name = portable_name("政" * 100 + "a", MAX_NAME_BYTES, ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= MAX_NAME_BYTES
    assert name == "政" * 65 + ".pdf"  # 65 x 3 bytes + 4 = 199: a 66th would be 202
    assert portable_name("a" * 300, 200) == "a" * 200


def test_long_chinese_and_reserved_attachment_names_are_saved_unique(tmp_path):
    long_a = "关于" + "政府信息公开" * 16 + "甲.pdf"  # 100 characters, 300 bytes
    long_b = "关于" + "政府信息公开" * 16 + "乙.pdf"  # differs only past the cut
    links = [
        (long_a, "./" + urllib.parse.quote(long_a)),
        (long_b, "./" + urllib.parse.quote(long_b)),
    ]
    links += [("aux.pdf", "./aux.pdf"), ("CON.pdf", "./CON.pdf"), ("报告 .pdf", "./down.jsp?id=7")]
    with Portal() as p:
        p.put("/nb/a.html", trs_article(Article(TITLE, "2025-01-24", "<p>附件</p>", links)))
        for i, (_, href) in enumerate(links):
            p.put("/nb/" + href[2:], b"%PDF-1.4 " + str(i).encode(), "application/pdf")
        p.put("/nb/index.html", trs_list([("a.html", TITLE, "2025-01-24")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\nAUX,{p.base}/nb/index.html\n", encoding="utf-8")
        [site] = collect(read_sites(sites), tmp_path / "out", policy=fast()).sites
    files = sorted(r.file for r in read_rows(tmp_path / "out") if r.role == "attachment")
    assert (site.new, site.failed) == (6, 0) and len(set(files)) == 5
    assert all(f.startswith("_AUX/2024/") for f in files)  # the agency's folder is no device
    names = [f.rsplit("/", 1)[1] for f in files]
    assert all(len(n.encode()) <= MAX_NAME_BYTES for n in names)
    assert "_aux.pdf" in names and "_CON.pdf" in names
    assert sum(n.startswith("关于政府信息公开") for n in names) == 2
    for f in files:
        assert (tmp_path / "out" / f).read_bytes().startswith(b"%PDF-1.4 ")


def test_a_bad_sites_csv_row_is_one_line_and_the_others_go_on(tmp_path):
    sites = tmp_path / "sites.csv"
    rows = [
        "agency,url",
        "上海市科委," + "x" * 2_000_000,  # a 2 MB cell: over the CSV reader's own limit
        "上海市科委,http://portal.test/nb/index.html",
        "单" * 2001 + ",http://portal.test/nb/",
        "沭阳县,ftp://portal.test/nb/",
        "沭阳县,http://[::1/nb/",
        "沭阳县,javascript:alert(1)",
        "沭阳县,http://portal.test:99999/nb/",
        '沭阳县,"http://portal.test/nb/',  # a quote left open swallows the rest of the file
        "沭阳县,http://portal.test/after/",
    ]
    sites.write_text("\n".join(rows) + "\n", encoding="utf-8")
    problems: list[str] = []
    got = read_sites(sites, problems)
    assert [(s.agency, s.line) for s in got] == [("上海市科委", 3)]
    assert [ln.split(": ", 1)[0] for ln in problems] == [
        f"{sites}:{n}" for n in (2, 4, 5, 6, 7, 8, 9)
    ]
    assert "不是有效的 CSV" in problems[0] and "超过 2000 字" in problems[1]
    assert all("http(s)" in ln for ln in problems[2:6]) and "引号" in problems[6]
    assert all("\n" not in ln and len(ln) < 300 for ln in problems)


def test_a_sites_csv_with_no_usable_row_stops_before_any_request(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("agency,url\n沭阳县," + "y" * 2_000_000 + "\n", encoding="utf-8")
    with pytest.raises(CollectError) as err:
        read_sites(sites, [])
    assert str(err.value).startswith(f"{sites}:2: 这一行不是有效的 CSV")
    res = CliRunner().invoke(cli, ["collect", "--sites", str(sites), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert len([ln for ln in res.output.splitlines() if ln.strip()]) == 1


def test_the_cli_reports_bad_rows_and_collects_the_good_one(tmp_path):
    with Portal() as p:
        p.put("/nb/a.html", trs_article(Article(TITLE, "2025-01-24", "<p>正文</p>")))
        p.put("/nb/index.html", trs_list([("a.html", TITLE, "2025-01-24")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(
            f"agency,url\n上海市科委,{p.base}/nb/index.html\n沭阳县,file:///etc/passwd\n",
            encoding="utf-8",
        )
        res = CliRunner().invoke(
            cli,
            ["collect", "--sites", str(sites), "--out", str(tmp_path / "o"), "--interval", "0"]
            + ["--allow-address", "127.0.0.1", "--quiet"],
        )
    assert res.exit_code == 1 and "Traceback" not in res.output  # 1: something to look at
    [line] = [ln for ln in res.output.splitlines() if ln.startswith(f"{sites}:3: ")]
    assert "网址不是 http(s) 地址：file:///etc/passwd" in line
    assert "年报 1 篇，新下载 1" in res.output
