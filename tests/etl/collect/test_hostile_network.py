"""A hostile portal's network tricks: redirects and links to internal addresses, names that
resolve to them, DNS answers that change, and robots.txt answers that cannot be read
(RFC 9309: 4xx allow, 5xx/unreachable/unreadable disallow). Local portals only."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from click.testing import CliRunner

from bench.portal import Article, Portal, trs_article, trs_list
from etl.collect.addresses import AddressGuard, forbidden_kind
from etl.collect.http import Client, Policy
from etl.collect.manifest import read_rows
from etl.collect.run import collect, read_sites
from gongkai.cli import cli

TITLE = "上海市科学技术委员会2024年度政府信息公开工作年度报告"


def fast(**kw) -> Policy:
    return Policy(**{"deadline": 2.0, "retries": 0, "backoff": 0.05, "interval": 0.0, **kw})


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "本机回环地址"),
        ("::1", "本机回环地址"),
        ("169.254.169.254", "链路本地地址"),
        ("fe80::1", "链路本地地址"),
        ("10.1.2.3", "内网地址"),
        ("172.31.0.1", "内网地址"),
        ("192.168.1.1", "内网地址"),
        ("fd12:3456::1", "内网地址"),
        ("100.64.0.1", "运营商级 NAT 地址"),
        ("224.0.0.251", "组播地址"),
        ("ff02::1", "组播地址"),
        ("0.0.0.0", "未指定地址"),
        ("::", "未指定地址"),
        ("240.0.0.1", "保留地址"),
        ("255.255.255.255", "保留地址"),
        ("::ffff:127.0.0.1", "本机回环地址"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "链路本地地址"),
        ("64:ff9b::a00:1", "内网地址"),  # NAT64 of 10.0.0.1
        ("2002:c0a8:101::1", "内网地址"),  # 6to4 of 192.168.1.1
        ("8.8.8.8", None),
        ("2400:3200::1", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_address_kinds(address, kind):
    assert forbidden_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2:{port}/nb/secret.html",  # loopback, not the listed 127.0.0.1
        "http://2130706434:{port}/nb/secret.html",  # 127.0.0.2 written as one number
        "http://[::ffff:127.0.0.2]:{port}/nb/secret.html",
        "http://10.0.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0:{port}/",
        "http://[fd00::1]/",
    ],
)
def test_a_redirect_to_an_internal_address_is_refused_before_connecting(target):
    with Portal() as p:
        port = p.server.server_address[1]
        p.put("/go", target.format(port=port), status=302)
        got = Client(fast(allow=("127.0.0.1/32",))).get(f"{p.base}/go")
    assert got.refused and got.data == b"" and "为安全起见没有访问" in got.error
    assert "--allow-address" in got.error and "\n" not in got.error
    assert [path for _, path, _ in p.requests] == ["/robots.txt", "/go"]  # nothing else asked


def test_a_loopback_portal_is_refused_unless_listed():
    with Portal() as p:
        p.put("/a.html", "<html><body>a</body></html>")
        refused = Client(fast()).get(f"{p.base}/a.html")
        listed = Client(fast(allow=("127.0.0.1",))).get(f"{p.base}/a.html")
        by_name = Client(fast(allow=("localhost",))).get(
            f"http://localhost:{p.server.server_address[1]}/a.html"
        )
    assert refused.refused and "本机回环地址（127.0.0.1）" in refused.error
    assert listed.ok and by_name.ok
    assert [path for _, path, _ in p.requests].count("/a.html") == 2  # the refused one never came


def test_every_address_of_a_name_is_checked_and_the_checked_one_is_dialled(monkeypatch):
    real = socket.getaddrinfo
    looked_up: list[str] = []

    def fake(host, port, *args, **kwargs):
        if host in ("portal.test", "mixed.test"):
            looked_up.append(host)
            answers = {"portal.test": ["127.0.0.1"], "mixed.test": ["8.8.8.8", "10.0.0.7"]}[host]
            if host == "portal.test" and looked_up.count(host) > 1:
                answers = ["10.9.9.9"]  # a rebinding answer: must never be asked for
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with Portal() as p:
        p.put("/a.html", "<html><body>a</body></html>")
        port = p.server.server_address[1]
        client = Client(fast(allow=("127.0.0.1",)))
        first = client.get(f"http://portal.test:{port}/a.html")
        second = client.get(f"http://portal.test:{port}/a.html")
        mixed = client.get(f"http://mixed.test:{port}/a.html")
    assert first.ok and second.ok and looked_up.count("portal.test") == 1
    assert mixed.refused and "内网地址（10.0.0.7）" in mixed.error  # one bad answer is enough


def test_the_guard_takes_networks_and_names():
    guard = AddressGuard(["10.1.0.0/16", "intranet.local."])
    assert guard.networks == [ipaddress.ip_network("10.1.0.0/16")]
    assert guard.hosts == {"intranet.local"}


def test_an_article_linking_the_metadata_service_is_one_line_and_the_run_goes_on(tmp_path):
    with Portal() as p:
        p.put(
            "/nb/a.html",
            trs_article(
                Article(
                    TITLE,
                    "2025-01-24",
                    "<p>见附件</p>",
                    [
                        ("报告.pdf", "./P1.pdf"),
                        ("凭据.pdf", "http://169.254.169.254/latest/meta-data/iam.pdf"),
                    ],
                )
            ),
        )
        p.put("/nb/P1.pdf", b"%PDF-1.4 report", "application/pdf")
        p.put("/nb/index.html", trs_list([("a.html", TITLE, "2025-01-24")], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n上海市科委,{p.base}/nb/index.html\n", encoding="utf-8")
        result = collect(read_sites(sites), tmp_path / "out", policy=fast(allow=("127.0.0.1",)))
    [site] = result.sites
    assert (site.new, site.skipped, site.failed) == (2, 1, 0) and site.findings == []
    [line] = [ln for ln in site.problems if "169.254.169.254" in ln]
    assert "链路本地地址" in line
    saved = {r.url.rsplit("/", 1)[1]: r for r in read_rows(tmp_path / "out")}
    assert saved["P1.pdf"].file and saved["iam.pdf"].file == ""


def _collect_a_loopback_site(tmp_path):
    """`gongkai collect` of one site served on 127.0.0.1: its output and the portal's log."""
    with Portal() as p:
        p.put("/nb/index.html", trs_list([], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n上海市科委,{p.base}/nb/index.html\n", encoding="utf-8")
        res = CliRunner().invoke(
            cli, ["collect", "--sites", str(sites), "--out", str(tmp_path / "o"), "--quiet"]
        )
    return res, p


def test_a_site_on_an_unlisted_internal_address_is_not_asked_at_all(tmp_path):
    res, p = _collect_a_loopback_site(tmp_path)
    assert res.exit_code == 1 and "Traceback" not in res.output and p.requests == []
    [line] = [ln for ln in res.output.splitlines() if "本机回环地址" in ln]
    assert "无法打开年报栏目" in line and "--allow-address" in line


def test_gongkai_collect_allow_lists_an_internal_address_as_the_option_does(tmp_path, monkeypatch):
    """GONGKAI_COLLECT_ALLOW reaches `--allow-address` through etl/settings.py (no click envvar)."""
    monkeypatch.setenv("GONGKAI_COLLECT_ALLOW", "10.9.9.9  127.0.0.1")
    res, p = _collect_a_loopback_site(tmp_path)
    assert "本机回环地址" not in res.output and "Traceback" not in res.output
    assert ("GET", "/nb/index.html", 200) in p.requests  # the listed address was asked


ROBOTS_CASES = [
    # (status, body, content type, allowed, what the one line says)
    (404, b"", "text/plain", True, None),
    (403, b"", "text/plain", True, None),  # RFC 9309 2.3.1.3: any 4xx is "unavailable": allow
    (200, b"<!DOCTYPE html><html><body>404</body></html>", "text/html", True, None),
    (200, "User-agent: *\nDisallow: /nb/\n".encode(), "text/plain", False, None),
    (503, b"", "text/plain", False, "robots.txt 无法获取（HTTP 503）"),
    (500, b"", "text/plain", False, "robots.txt 无法获取（HTTP 500）"),
    (429, b"", "text/plain", False, "robots.txt 无法获取（HTTP 429）"),
    (200, b"User-agent: *\n# " + b"x" * (600 * 1024), "text/plain", False, "超过 512 KB"),
    (200, "User-agent: *\n# 禁止采集\n".encode("gbk"), "text/plain", False, "不是 UTF-8"),
    (200, b"User-agent: *\x00\x01\x02", "text/plain", False, "不是文本文件"),
]


@pytest.mark.parametrize(("status", "body", "ctype", "allowed", "says"), ROBOTS_CASES)
def test_robots_answers_after_rfc_9309(status, body, ctype, allowed, says):
    with Portal() as p:
        p.put("/nb/a.html", "<html><body>a</body></html>")
        if status != 404:
            p.put("/robots.txt", body, ctype, status=status)
        got = Client(fast(allow=("127.0.0.1",))).get(f"{p.base}/nb/a.html")
    assert got.ok is allowed and got.refused is (not allowed)
    assert ("/nb/a.html" in [path for _, path, _ in p.requests]) is allowed
    if says:
        assert says in got.error and "RFC 9309" in got.error and "\n" not in got.error


def test_robots_that_never_answers_is_a_disallow():
    with Portal() as p:
        p.put("/robots.txt", "User-agent: *\n", "text/plain")
        p.delays["/robots.txt"] = 3.0
        p.put("/a.html", "<html><body>a</body></html>")
        got = Client(fast(deadline=0.5, allow=("127.0.0.1",))).get(f"{p.base}/a.html")
    assert got.refused and "robots.txt 无法获取（0.5 秒内没有响应" in got.error


def test_robots_redirected_is_followed():
    with Portal() as p:
        p.put("/robots.txt", "/real-robots.txt", status=301)
        p.put("/real-robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        p.put("/private/a.html", "<html><body>a</body></html>")
        p.put("/open/a.html", "<html><body>a</body></html>")
        client = Client(fast(allow=("127.0.0.1",)))
        private, open_ = client.get(f"{p.base}/private/a.html"), client.get(f"{p.base}/open/a.html")
    assert private.refused and "robots.txt 不允许" in private.error and open_.ok


def test_a_site_whose_robots_fails_is_one_line_in_the_run(tmp_path):
    with Portal() as p:
        p.put("/robots.txt", "", status=503)
        p.put("/nb/index.html", trs_list([], 0, 1))
        sites = tmp_path / "sites.csv"
        sites.write_text(f"agency,url\n上海市科委,{p.base}/nb/index.html\n", encoding="utf-8")
        result = collect(read_sites(sites), tmp_path / "out", policy=fast(allow=("127.0.0.1",)))
    [site] = result.sites
    assert not site.reached and site.skipped == 0 and len(site.problems) == 1
    assert "HTTP 503" in site.problems[0] and "/nb/index.html" not in str(p.requests)
