"""A polite HTTP client for the collector: requests with an overall deadline per request,
retries with back-off, a per-host rate limit, robots.txt (etl/collect/robots.py), redirects
followed here hop by hop within http(s), public addresses only (etl/collect/addresses.py: each
hop's host resolved and checked, the socket opened to the checked address), size caps.

Deadline, counted from the start of each try: connecting is capped at min(deadline, 10 s) and
the wait for the headers at the deadline; the body is then read in small pieces with the socket
timeout set to the time left, so a host that trickles bytes is cut off at the deadline (not
only after a silent socket read).
Nothing here raises for a network problem: every outcome is a `Fetched` with `error` set.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import dataclass, field

import requests
from requests.adapters import HTTPAdapter

from etl.collect.addresses import AddressGuard, AddressRefused, pool_classes
from etl.collect.http_body import TooBig, TooSlow, read_body
from etl.collect.robots import ROBOTS_CAP, Robots, robots_from

USER_AGENT = "gongkai-collect/0.1 (+government information disclosure annual reports)"
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0  # seconds: a host that cannot even be reached in this is down
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_CRAWL_DELAY = 10.0  # seconds: a robots.txt asking for more is honoured only this far
ROBOTS_SAYS_NO = "robots.txt 不允许访问该地址，已跳过"


@dataclass
class Policy:
    deadline: float = 30.0  # seconds for one request, headers and body together
    retries: int = 2  # extra tries after a network error, a time-out, 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    interval: float = 1.0  # seconds between two requests to the same host
    max_bytes: int = 60 * 1024 * 1024
    user_agent: str = USER_AGENT
    host_failures: int = 3  # requests failing in a row before a host is given up for the run
    # hosts (names) or networks (10.1.2.0/24, 127.0.0.1) the office collects from although
    # they are not public addresses; everything else non-public is refused
    allow: tuple[str, ...] = ()


@dataclass
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    status: int | None = None  # None: no HTTP answer at all
    data: bytes = b""
    headers: dict = field(default_factory=dict)
    error: str | None = None  # Chinese, one line; None when the body is usable (200 or 304)
    refused: bool = False  # not asked at all: robots.txt or the address filter forbids it
    too_big: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None


class Client:
    """One per collection run; thread-safe enough for one thread per host."""

    def __init__(self, policy: Policy | None = None, robots_cache: dict | None = None):
        self.policy = policy or Policy()
        # site -> {"etag", "last_modified", "text"}: robots.txt is asked for conditionally
        self.robots_cache = robots_cache if robots_cache is not None else {}
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.policy.user_agent
        self.session.trust_env = False  # no proxy or netrc surprises from the environment
        self.guard = AddressGuard(self.policy.allow)
        adapter = _CheckedAdapter(pool_classes(self.guard))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._last: dict[str, float] = {}
        self._robots: dict[str, Robots] = {}
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.session.close()

    # --- public ----------------------------------------------------------------------------

    def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET `url` (conditionally when a validator is given), following redirects itself."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, headers, max_bytes or self.policy.max_bytes)

    def _follow(self, url: str, headers: dict, max_bytes: int, robots: bool = True) -> Fetched:
        """Each hop checked (scheme, address, robots.txt) before it is asked."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            problem, refused = self._refuse(current, robots)
            if problem:
                return Fetched(url, current, error=problem, refused=refused)
            got = self._with_retries(current, headers, max_bytes, retries=None)
            if got.status is None or not (300 <= got.status < 400) or got.status == 304:
                got.url = url
                return got
            if not got.headers.get("location", "").strip():
                return Fetched(
                    url, current, got.status, error=f"HTTP {got.status} 重定向没有给出目标地址"
                )
            target = urllib.parse.urljoin(current, got.headers["location"].strip())
            if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                return Fetched(
                    url,
                    current,
                    got.status,
                    error=f"重定向到了 http(s) 以外的地址（{target[:80]}），未跟随",
                )
            current = target
        return Fetched(url, current, got.status, error=f"重定向超过 {MAX_REDIRECTS} 次，未跟随")

    def allowed(self, url: str) -> bool:
        """robots.txt of the url's host allows our user agent (no robots.txt: allowed)."""
        return self._robots_for(url).allows(self.policy.user_agent, url)

    # --- internals -------------------------------------------------------------------------

    def _refuse(self, url: str, robots: bool = True) -> tuple[str | None, bool]:
        """(why `url` is not asked, whether by choice — robots.txt, the address filter — rather
        than failure), or (None, False)."""
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018 -- raises ValueError for a port that is no number
        except ValueError:
            return f"网址无效：{url[:80]}", False
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return f"不是 http(s) 网址：{url[:80]}", False
        refused = self.guard.refusal(url)
        if refused:
            return refused, True
        if self._failures.get(parts.netloc, 0) >= self.policy.host_failures:
            return (
                f"{parts.netloc} 连续 {self.policy.host_failures} 次请求失败，本次不再访问该站点",
                False,
            )
        if robots and not self.allowed(url):
            return self._robots_for(url).refusal or ROBOTS_SAYS_NO, True
        return None, False

    def _robots_for(self, url: str) -> Robots:
        parts = urllib.parse.urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._robots:
            self._robots[key] = Robots(None)  # while fetching robots.txt itself
            cached = self.robots_cache.get(key) or {}
            validators = {}
            if cached.get("etag"):
                validators["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                validators["If-Modified-Since"] = cached["last_modified"]
            got = self._follow(key + "/robots.txt", validators, ROBOTS_CAP, robots=False)
            robots = robots_from(
                key + "/robots.txt",
                got.status,
                got.data,
                got.error,
                got.too_big,
                cached.get("text") if validators else None,
            )
            if robots.text is not None and got.status != 304:
                self.robots_cache[key] = {
                    "etag": got.headers.get("etag", ""),
                    "text": robots.text,
                    "last_modified": got.headers.get("last-modified", ""),
                }
            self._robots[key] = robots
        return self._robots[key]

    def _crawl_delay(self, url: str) -> float:
        rp = self._robots.get("{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url)))
        try:
            delay = rp.crawl_delay(self.policy.user_agent) if rp else None
        except (AttributeError, ValueError):
            delay = None
        return min(float(delay or 0), MAX_CRAWL_DELAY)

    def _wait_turn(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).netloc
        gap = max(self.policy.interval, self._crawl_delay(url))
        with self._lock:
            now = time.monotonic()
            start = max(now, self._last.get(host, 0.0) + gap)
            self._last[host] = start
        if start > now:
            time.sleep(start - now)

    def _with_retries(
        self, url: str, headers: dict, max_bytes: int, retries: int | None = None
    ) -> Fetched:
        retries = self.policy.retries if retries is None else retries
        host = urllib.parse.urlsplit(url).netloc
        for attempt in range(retries + 1):
            self._wait_turn(url)
            got = self._once(url, headers, max_bytes)
            transient = got.status is None or got.status in RETRY_STATUSES
            if not transient or got.too_big or got.refused or attempt == retries:
                break
            wait = self.policy.backoff * (2**attempt)
            retry_after = got.headers.get("retry-after", "")
            if retry_after.isdigit():
                wait = max(wait, min(float(retry_after), 60.0))
            time.sleep(wait)
        if got.too_big:
            got.error = f"文件超过 {_size(max_bytes)} 上限，未保存"
        if got.refused:
            return got
        failed = got.status is None or got.status >= 500
        self._failures[host] = self._failures.get(host, 0) + 1 if failed else 0
        return got

    def _once(self, url: str, headers: dict, max_bytes: int) -> Fetched:
        deadline = time.monotonic() + self.policy.deadline
        limit = self.policy.deadline
        try:
            with self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(min(limit, CONNECT_TIMEOUT), limit),
            ) as resp:
                got = Fetched(
                    url,
                    url,
                    resp.status_code,
                    headers={k.lower(): v for k, v in resp.headers.items()},
                )
                if 200 <= resp.status_code < 300:
                    got.data = read_body(resp, deadline, max_bytes)
                elif resp.status_code != 304 and not 300 <= resp.status_code < 400:
                    got.error = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
                return got
        except TooSlow:
            return Fetched(url, url, error=f"{self.policy.deadline:g} 秒内没有下载完（站点过慢）")
        except TooBig:
            return Fetched(url, url, 200, error="too_big", too_big=True)
        except AddressRefused as exc:  # the name now resolves elsewhere than when checked
            return Fetched(url, url, error=str(exc), refused=True)
        except requests.Timeout:
            return Fetched(url, url, error=f"{self.policy.deadline:g} 秒内没有响应（站点过慢）")
        except requests.ConnectionError as exc:
            return Fetched(url, url, error=f"无法连接（{_reason(exc)}）")
        except (requests.RequestException, OSError, ValueError) as exc:
            return Fetched(url, url, error=f"请求失败（{_reason(exc)}）")


class _CheckedAdapter(HTTPAdapter):
    """requests' adapter whose pools open sockets only to addresses the guard checked."""

    def __init__(self, pools: dict[str, type]):
        self._pools = pools
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools


def _size(n: int) -> str:
    return f"{n / 1_048_576:g} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Errno", "Connection refused", "Name or service", "reset"):
        at = text.find(marker)
        if at >= 0:
            return text[at : at + 60].rstrip("')>,")
    return text[:80] or type(exc).__name__
