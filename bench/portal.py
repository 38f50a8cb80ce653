"""Local portals for the collector tests and benches (tests import it from here; bench never
imports tests): real saved reports wrapped in the list and article pages of two common CMS
layouts, served on 127.0.0.1 from a thread.

Layout "trs" (UTF-8): a TRS-style column, list items `<li><a>title</a><span>date</span></li>`,
pages index.html, index_1.html ... announced by a `createPageHTML(n, i, "index", "html")` script
plus 下一页 links; the article shows 发布时间 and a `<meta name="PubDate">`.
Layout "old" (GBK): a table-based column, rows `<tr><td><a>title</a></td><td>[date]</td></tr>`,
numbered page links list.htm?page=N; the article says 发布日期：YYYY年MM月DD日.
"""

from __future__ import annotations

import html
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


def md_to_html(text: str) -> str:
    """Markdown or crawler text to article HTML: pipe tables become <table>, lines <p>."""
    out, table = [], []

    def flush():
        if table:
            rows = []
            for line in table:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                    continue
                rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            out.append("<table border='1'>" + "".join(rows) + "</table>")
            table.clear()

    for line in text.splitlines():
        if line.strip().startswith("|"):
            table.append(line)
            continue
        flush()
        if line.strip():
            out.append(f"<p>{html.escape(line.strip().lstrip('#').strip())}</p>")
    flush()
    return "\n".join(out)


@dataclass
class Article:
    title: str
    date: str  # YYYY-MM-DD, the portal's 发布时间
    body: str = ""  # article HTML
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (link text, href)
    images: list[str] = field(default_factory=list)  # <img src> inside the article


def trs_article(a: Article) -> str:
    links = "".join(f'<p><a href="{href}">{html.escape(t)}</a></p>' for t, href in a.attachments)
    imgs = "".join(f'<p><img src="{src}"></p>' for src in a.images)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(a.title)}</title>'
        f'<meta name="PubDate" content="{a.date} 09:30"></head><body>'
        '<div class="top"><img src="/images/logo.png"><a href="/">首页</a></div>'
        '<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>'
        f'<div class="article"><h1>{html.escape(a.title)}</h1>'
        f'<div class="info">发布时间：{a.date} 09:30　来源：办公室</div>'
        f'<div class="TRS_Editor">{a.body}{links}{imgs}</div></div>'
        '<div class="foot">主办单位 版权所有</div></body></html>'
    )


def trs_list(items: list[tuple[str, str, str]], page: int, pages: int) -> str:
    """items: (href, title, date). Pages are index.html, index_1.html, ..."""
    lis = "".join(
        f'<li><a href="{h}" title="{html.escape(t)}">{html.escape(t)}</a><span>{d}</span></li>'
        for h, t, d in items
    )
    nxt = f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < pages else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>'
        f'<body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
        f'<ul class="list">{lis}</ul><div class="page">'
        f'<script>createPageHTML({pages}, {page}, "index", "html");</script>{nxt}</div></body></html>'
    )


def old_article(a: Article) -> str:
    y, m, d = a.date.split("-")
    links = "".join(
        f'<p>附件：<a href="{href}">{html.escape(t)}</a></p>' for t, href in a.attachments
    )
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        f'<title>{html.escape(a.title)}</title></head><body><table width="100%"><tr><td>'
        f'<div align="center"><b>{html.escape(a.title)}</b></div>'
        f"<div>发布日期：{y}年{m}月{d}日　浏览次数：<span>12</span></div>"
        f'<div id="zoom">{a.body}{links}</div></td></tr></table></body></html>'
    )


def old_list(items: list[tuple[str, str, str]], page: int, pages: int) -> str:
    rows = "".join(
        f'<tr><td><a href="{h}" target="_blank">{html.escape(t)}</a></td><td>[{d}]</td></tr>'
        for h, t, d in items
    )
    nums = "".join(
        f'<a href="list.htm?page={n}">{n}</a> ' if n != page else f"<b>{n}</b> "
        for n in range(1, pages + 1)
    )
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        f"<title>年报专栏</title></head><body><table>{rows}</table>"
        f"<div>共{pages}页 {nums}</div></body></html>"
    )


class Portal:
    """Paths -> (status, content type, bytes) served on 127.0.0.1; every request is logged."""

    def __init__(self):
        self.files: dict[str, tuple[int, str, bytes]] = {}
        self.delays: dict[str, float] = {}  # path -> seconds before the response starts
        self.trickle: dict[str, float] = {}  # path -> seconds between body chunks
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def put(
        self,
        path: str,
        data: bytes | str,
        ctype: str = "text/html; charset=utf-8",
        status: int = 200,
        encoding: str = "utf-8",
    ) -> None:
        if isinstance(data, str):
            data = data.encode(encoding, errors="xmlcharrefreplace")
        self.files[path] = (status, ctype, data)

    def fetched(self, method: str = "GET") -> list[str]:
        return [p for m, p, s in self.requests if m == method and s == 200]

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                path = self.path
                if path in portal.delays:
                    time.sleep(portal.delays[path])
                hit = portal.files.get(path)
                if hit is None:
                    portal.requests.append(("GET", path, 404))
                    self.send_error(404)
                    return
                status, ctype, data = hit
                etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    portal.requests.append(("GET", path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                portal.requests.append(("GET", path, status))
                if 300 <= status < 400:
                    self.send_response(status)
                    self.send_header("Location", data.decode())
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                if status == 200:
                    self.send_header("ETag", etag)
                self.end_headers()
                try:
                    if path in portal.trickle:
                        for i in range(0, len(data), 64):
                            self.wfile.write(data[i : i + 64])
                            self.wfile.flush()
                            time.sleep(portal.trickle[path])
                    else:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
