"""Fetch one http(s) URL the user named into a download folder, size-capped and time-bounded.

A download that fails is still returned as a SourceFile carrying its ReportError, so the run
records it as a failed file and carries on with the rest of the batch.
"""

from __future__ import annotations

import hashlib
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from etl.errors import ReportError, display_name
from etl.extract import MAX_BYTES
from etl.source_file import SourceFile

DOWNLOAD_TIMEOUT = 30  # seconds a connection may stay silent
DOWNLOAD_DEADLINE = 60  # seconds for the whole download of one URL, however the server drips
USER_AGENT = "gongkai/0.1 (+government information disclosure report ETL)"


def download(
    url: str,
    download_dir,
    max_bytes: int = MAX_BYTES,
    timeout: float = DOWNLOAD_TIMEOUT,
    deadline: float = DOWNLOAD_DEADLINE,
) -> SourceFile:
    """Fetch `url` into download_dir (size-capped, at most `deadline` seconds in all); on failure
    return a SourceFile with the error.

    The fetch runs in a daemon thread that the caller waits for at most `deadline` seconds:
    socket timeouts bound one silent wait, not a server that drips its headers or body, nor a
    name lookup that hangs. A fetch given up on is abandoned (it ends with its socket)."""
    url = display_name(url)

    def fail(problem: str, hint: str, code: str = "download_failed") -> SourceFile:
        return SourceFile(url, None, "url", ReportError(url, problem, hint, code))

    if download_dir is None:
        return fail("URLs need a download folder", "internal: pass download_dir", "internal")
    result: list = []
    fetcher = threading.Thread(
        target=lambda: result.append(_fetch(url, max_bytes, timeout, time.monotonic() + deadline)),
        daemon=True,
    )
    fetcher.start()
    fetcher.join(deadline + 1)
    outcome = result[0] if result else None
    if outcome is None:
        return fail(
            f"the download did not finish within {deadline:g} s (the server sends too slowly)",
            "try again later, or download the file in a browser and load it from disk",
        )
    if isinstance(outcome, tuple):
        return fail(*outcome)
    name = Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)).name[-120:] or "download"
    folder = Path(download_dir) / hashlib.sha1(url.encode()).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(outcome)
    return SourceFile(url, target, "url")


def _fetch(url: str, max_bytes: int, timeout: float, give_up: float) -> bytes | tuple | None:
    """The body, (problem, hint[, code]) on failure, or None past the deadline."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(_GuardedRedirects(url))
    try:
        with opener.open(request, timeout=min(timeout, give_up - time.monotonic())) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                return (
                    f"the download is {int(declared) // 1_048_576} MB, over the "
                    f"{max_bytes // 1_048_576} MB limit",
                    "no annual report is this large; check the URL",
                    "too_large",
                )
            data = _read_body(resp, max_bytes, give_up)
    except urllib.error.HTTPError as exc:
        return (
            f"download failed: HTTP {exc.code} {exc.reason}",
            "check that the URL opens in a browser",
        )
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        if time.monotonic() >= give_up - 0.01:
            return None
        reason = getattr(exc, "reason", None) or exc
        return (
            f"download failed ({reason})",
            "check the URL and the network, or download the file and load it from disk",
        )
    if data is not None and len(data) > max_bytes:
        return (
            f"the download is over the {max_bytes // 1_048_576} MB limit",
            "no annual report is this large; check the URL",
            "too_large",
        )
    return data


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """The office typed the URL, so its host is taken as given (an intranet portal too); a
    redirect may lead elsewhere, and is followed only to public addresses (the collector's
    address filter): a page cannot send gongkai into 127.0.0.1, 169.254.169.254 or 10.x."""

    def __init__(self, typed_url: str):
        from etl.collect.addresses import AddressGuard

        self.guard = AddressGuard((urllib.parse.urlsplit(typed_url).hostname or "",))

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
            raise urllib.error.URLError(f"redirected to a non-http(s) address {target[:80]}")
        refused = self.guard.refusal(target)
        if refused:
            raise urllib.error.URLError(f"redirected to an address not followed: {refused}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_body(resp, max_bytes: int, give_up: float) -> bytes | None:
    """The body, read in whatever pieces arrive, or None once the deadline passes (a socket
    timeout bounds one silent wait, not a server sending one byte every few seconds)."""
    parts, got = [], 0
    while got <= max_bytes:
        remaining = give_up - time.monotonic()
        if remaining <= 0:
            return None
        sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
        if sock is not None:
            sock.settimeout(min(sock.gettimeout() or remaining, remaining))
        try:
            chunk = resp.read1(min(65536, max_bytes + 1 - got))
        except TimeoutError:
            if time.monotonic() >= give_up - 0.01:
                return None  # the wait was cut short by the deadline, not by a silent server
            raise
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)
