"""The report, not the page: a report saved from a portal keeps only its own prose.

A real report (shuyang_2025.md, its Markdown turned into a plain HTML article here) wrapped in a
realistic portal page — menus, breadcrumb, the 信息公开 header table, 「打印」「关闭」「分享到」,
a related-links list, the footer with 网站标识码 and ICP备案 — gives the same prose, the same
sections and the same values as the article alone; two reports of different agencies that share
only the portal chrome are not copies. Crawler saves (pingtan) lose their crawler header.
"""

from __future__ import annotations

import html

from etl.extract import extract_document
from etl.parse import parse_file
from etl.validate.copy_detect import containment, own_prose, repeated_passages, shingles
from etl.validate.sections import find_sections, prose_text
from tests.conftest import REAL, SEEDS, SHARED

SHUYANG = REAL / "shuyang_2025.md"
LIUZHOU = SEEDS / "003_c5927ea855a2fd8c.txt"
PORTAL = "示范市人民政府"


def _article(text: str) -> str:
    """Markdown/plain text as an HTML article: pipe rows as table rows, the rest paragraphs."""
    out, rows = [], []
    for line in text.split("\n") + [""]:
        s = line.strip()
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if rows:
            out.append("<table border='1'>" + "".join(rows) + "</table>")
            rows = []
        if s:
            out.append(f"<p>{html.escape(s.lstrip('#').strip())}</p>")
    return "\n".join(out)


def _page(title: str, article: str, chrome: bool) -> str:
    if not chrome:
        return (
            f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><div class='detail'><h1>{html.escape(title)}</h1>{article}</div></body></html>"
        )
    menu = "".join(
        f"<li><a href='/m{i}'>{t}</a></li>"
        for i, t in enumerate(["首页", "政务公开", "政务服务", "互动交流", "走进示范", "专题专栏"])
    )
    related = "".join(
        f"<li><a href='/r{i}'>{t}</a></li>"
        for i, t in enumerate(
            [
                "关于做好政府信息公开工作年度报告编制发布工作的通知",
                "示范市人民政府办公室关于进一步加强政务公开工作的实施意见",
                "政府信息公开指南（2024年修订版）",
                "依申请公开办理流程图解",
            ]
        )
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{html.escape(title)}_{PORTAL}门户网站</title></head><body>
<div class="top"><div class="logo">{PORTAL}门户网站</div><ul class="menu">{menu}</ul>
<form><input type="text" name="q"><button>搜索</button></form></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt;
<a href="/nb">政府信息公开年报</a></div>
<table class="xxgk"><tr><td>索引号：</td><td>11320000MB1234567X/2025-00012</td>
<td>发布机构：</td><td>{PORTAL}办公室</td></tr><tr><td>公开日期：</td><td>2025-01-20</td>
<td>主题分类：</td><td>政府信息公开年报</td></tr></table>
<div class="detail"><h1>{html.escape(title)}</h1>
<div class="info">发布时间：2025-01-20 来源：{PORTAL}办公室 浏览次数：1234 【字体：大 中 小】</div>
<div class="content">{article}</div>
<div class="tools">【打印本页】【关闭窗口】 分享到：微信 微博 QQ空间</div></div>
<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>
<div class="footer"><p>主办单位：{PORTAL}办公室 承办单位：{PORTAL}大数据管理中心</p>
<p>网站标识码：3299000001 示ICP备05001234号-1 示公网安备 32990002000123号</p>
<p>版权所有 © {PORTAL} 技术支持：示范数字科技有限公司</p>
<p>本网站由{PORTAL}办公室负责日常维护，欢迎社会各界对网站建设提出宝贵意见和建议。</p></div>
</body></html>"""


def _parse_page(tmp_path, name: str, source, chrome: bool):
    text = source.read_text(encoding="utf-8")
    title = next(line.lstrip("#").strip() for line in text.split("\n") if line.strip())
    path = tmp_path / name
    path.write_text(_page(title, _article(text), chrome), encoding="utf-8")
    return parse_file(path)


def test_a_report_in_a_portal_page_has_the_prose_of_the_report_alone(tmp_path):
    bare = _parse_page(tmp_path, "bare.html", SHUYANG, chrome=False)
    page = _parse_page(tmp_path, "page.html", SHUYANG, chrome=True)
    assert page.prose == bare.prose
    prose = prose_text(page)
    for chrome in (
        "网站标识码",
        "ICP备",
        "打印本页",
        "分享到",
        "当前位置",
        "相关链接",
        "走进示范",
        "依申请公开办理流程图解",
        "索引号",
        "欢迎社会各界",
    ):
        assert chrome not in prose, chrome
    assert "沐阳县人民政府" in prose  # the report's own words stay
    assert [s.start is None for s in find_sections(prose)] == [
        s.start is None for s in find_sections(prose_text(bare))
    ]
    assert {k: v.value for k, v in page.values.items()} == {
        k: v.value for k, v in bare.values.items()
    }
    assert sorted(f.rule for f in page.findings) == sorted(f.rule for f in bare.findings)


def test_the_portal_chrome_is_not_evidence_of_copying(tmp_path):
    a = _parse_page(tmp_path, "a.html", SHUYANG, chrome=True)
    b = _parse_page(tmp_path, "b.html", LIUZHOU, chrome=True)
    own_a, own_b = own_prose(a.prose), own_prose(b.prose)
    assert containment(shingles(own_b, 8), shingles(own_a, 8)) < 5
    assert repeated_passages(own_a, own_b, 8, 20) == []
    # what the page's every prose line would have shared: the footer, quoted as 'copied'
    raw_a, raw_b = (
        own_prose(
            [blk.text for blk in extract_document(tmp_path / n).blocks if not blk.is_table_row]
        )
        for n in ("a.html", "b.html")
    )
    shared = [p["this"] for p in repeated_passages(raw_a, raw_b, 8, 20)]
    assert any("欢迎社会各界" in s for s in shared)


def test_crawler_and_portal_headers_are_not_prose():
    for path, gone, kept in (
        (REAL / "pingtan_2015.txt", "原文链接", "本报告由概述"),
        (SHARED / "crawled" / "pingtan_2023.txt", "links.tsv", "二是提升政务公开内容质量"),
        (SEEDS / "001_2d97050b8c74e947.txt", "浏览次数", "具体情况如下"),
        (SEEDS / "002_14ba030459ff7b2e.txt", "扫一扫在手机上查看当前页面", "公开范围"),
    ):
        report = parse_file(path)
        prose = prose_text(report)
        assert gone not in prose and kept in prose, path.name
        # the header lines still give the date and the agency: only the prose lost them
        assert gone in extract_document(path).text
