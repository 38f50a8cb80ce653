"""A third layout: a portal saved as plain files and served by http.server's own file handler
(Last-Modified only, no ETag, no charset in Content-Type), with titles the list cuts short
and article pages that print 成文日期 before 发布日期."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from etl.collect.http import Policy
from etl.collect.manifest import read_rows
from etl.collect.run import collect, read_sites
from tests.etl.collect.conftest import REAL, body_of

TITLE = "上海市科学技术委员会2024年度政府信息公开工作年度报告"


def article(title: str, written: str, published: str, body: str) -> str:
    return (
        f'<html><head><meta charset="gb2312"><title>{title}</title></head><body>'
        f'<table class="info"><tr><td>索引号：000014349/2025-00012</td><td>成文日期：{written}</td></tr>'
        f"<tr><td>发布机构：市科委</td><td>发布日期：{published}</td></tr></table>"
        f'<div class="title">{title}</div><div class="content">{body}</div></body></html>'
    )


def serve(folder, log):
    class Handler(SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            log.append((self.path, int(code) if str(code).isdigit() else code))

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def test_static_portal_truncated_titles_and_last_modified_resume(tmp_path):
    site = tmp_path / "www" / "xxgk" / "nb"
    site.mkdir(parents=True)
    (site / "t1.html").write_bytes(
        article(TITLE, "2025-01-10", "2025-01-22", body_of(REAL / "shanghai_kewei_2024.md")).encode(
            "gbk", "xmlcharrefreplace"
        )
    )
    (site / "t2.html").write_bytes(
        article(
            "上海市科学技术委员会2024年度政府信息公开工作要点",
            "2024-03-01",
            "2024-03-05",
            "<p>要点</p>",
        ).encode("gbk")
    )
    short = lambda t: t[:18] + "..."
    (site / "index.html").write_bytes(
        (
            f'<html><head><meta charset="gbk"></head><body><ul><li><a href="t2.html">{short("上海市科学技术委员会2024年度政府信息公开工作要点")}</a>'  # noqa: E501
            f'<span>2024-03-05</span></li></ul><a href="index_1.html">下一页</a></body></html>'
        ).encode("gbk")
    )
    (site / "index_1.html").write_bytes(
        (
            f'<html><head><meta charset="gbk"></head><body><ul><li><a href="t1.html">{short(TITLE)}</a>'
            "<span>2025-01-22</span></li></ul></body></html>"
        ).encode("gbk")
    )
    log: list = []
    server = serve(tmp_path / "www", log)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n310000-KW,{base}/xxgk/nb/index.html\n", encoding="utf-8")
        policy = Policy(deadline=3, retries=0, interval=0, allow=("127.0.0.1",))
        first = collect(read_sites(sites), tmp_path / "out", policy=policy).sites[0]
        n_first = len(log)
        second = collect(read_sites(sites), tmp_path / "out", policy=policy).sites[0]
    finally:
        server.shutdown()
        server.server_close()
    rows = read_rows(tmp_path / "out")
    assert [(r.title, r.published, r.url.rsplit("/", 1)[1]) for r in rows] == [
        (TITLE, "2025-01-22", "t1.html")
    ]
    assert first.reports == 1 and first.new == 1
    assert second.new == 0 and second.changed == 0 and second.unchanged == 1
    again = log[n_first:]
    assert len(again) == 5 and all(code in (304, 404) for path, code in again)  # robots.txt: 404
