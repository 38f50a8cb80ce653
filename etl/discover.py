"""Find the files to load: paths, folders (recursively), a manifest of paths/URLs, http(s) URLs.

A source that cannot be found or downloaded is still returned, carrying its ReportError, so the
pipeline records it as a failed file and carries on with the rest of the batch.
Origins (what messages print and the database stores) are `display_name`s: a file name with
GBK bytes (unzip of a Chinese Windows zip) or a newline can neither break the batch nor forge
an output line; the path opened is the name as the file system has it.
Folder walks skip hidden files and the project's own side files (truth JSON, CSV, TOML, the
database); a file named explicitly is always taken.
"""

from __future__ import annotations

import csv
import hashlib
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.collect.manifest import MANIFEST, is_collected, portal_of_file, portal_sources
from etl.errors import ReportError, display_name
from etl.extract import MAX_BYTES

SKIP_SUFFIXES = (".json", ".csv", ".toml", ".py", ".pyc", ".tsv", ".log", ".lock", ".building")
SKIP_NAMES = ("readme", "readme.md", "readme.txt", "license", "makefile")
DOWNLOAD_TIMEOUT = 30  # seconds a connection may stay silent
DOWNLOAD_DEADLINE = 60  # seconds for the whole download of one URL, however the server drips
USER_AGENT = "gongkai/0.1 (+government information disclosure report ETL)"


@dataclass(frozen=True)
class SourceFile:
    origin: str  # what the user named: a path or a URL; used in messages and stored as source_path
    path: Path | None  # the local file to read (a download lands in a temp folder)
    kind: str = "file"  # "file" | "url"
    error: ReportError | None = None  # set when the source could not be found or fetched
    portal: object | None = None  # etl.collect.manifest.PortalSource for a collected file


def discover_sources(
    inputs: Iterable[str | Path],
    manifest: str | Path | None = None,
    download_dir: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[SourceFile]:
    """Expand paths, folders, manifest lines and URLs into SourceFiles, in a stable order."""
    entries = [str(i) for i in inputs]
    if manifest is not None:
        entries.extend(read_manifest(manifest))
    out: list[SourceFile] = []
    seen: set[str] = set()
    for entry in entries:
        for src in _expand(entry, download_dir, max_bytes):
            if src.origin not in seen:
                seen.add(src.origin)
                out.append(src)
    return out


def read_manifest(manifest: str | Path) -> list[str]:
    """Lines of a .txt (one path or URL per line) or the first column of a .csv; '#' comments.

    Relative paths are taken relative to the manifest's folder.
    """
    m = Path(manifest)
    try:
        text = m.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(
            str(m),
            f"cannot read the manifest ({exc})",
            "give a UTF-8 text file with one path or URL per line",
            "bad_manifest",
        )
    if is_collected(m.parent) and m.name == MANIFEST:
        return [str(m.parent)]  # the collector's manifest: load its folder, with the portal dates
    if m.suffix.lower() == ".csv":
        lines = [row[0] for row in csv.reader(text.splitlines()) if row]
    else:
        lines = text.splitlines()
    out = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or line.lower() in ("path", "url", "file"):
            continue
        if not _is_url(line) and not Path(line).is_absolute():
            line = str(m.parent / line)
        out.append(line)
    return out


def _is_url(entry: str) -> bool:
    return entry.lower().startswith(("http://", "https://"))


def _expand(entry: str, download_dir, max_bytes: int) -> list[SourceFile]:
    if _is_url(entry):
        return [download(entry, download_dir, max_bytes)]
    p = Path(entry)
    if p.is_dir():
        portal, images = portal_sources(p)  # files `gongkai collect` saved, if any
        files, unreadable = _walk(p)
        return [
            SourceFile(display_name(f), f, portal=portal.get(_resolved(f)))
            for f in files
            if not images or _resolved(f) not in images
        ] + unreadable
    if os.path.lexists(p):  # pipes, devices and dangling links are refused when read
        return [
            SourceFile(display_name(entry), p, portal=portal_of_file(p) if _is_file(p) else None)
        ]
    return [
        SourceFile(
            display_name(entry),
            None,
            error=ReportError(
                entry,
                "no such file or folder",
                "check the path (and quote names with spaces)",
                "not_found",
            ),
        )
    ]


def _walk(folder: Path) -> tuple[list[Path], list[SourceFile]]:
    """The files under `folder`, and a failed source for each sub-folder that cannot be listed
    (no read permission): said on one line, the rest of the folder still loads. Links to
    folders are not followed (a link back to a parent would loop); links to files are listed
    and read like files, a dangling or looping link being refused when read."""
    found: list[Path] = []
    unreadable: list[SourceFile] = []

    def cannot_list(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else folder
        unreadable.append(
            SourceFile(
                display_name(where),
                None,
                error=ReportError(
                    display_name(where),
                    f"cannot list this folder ({exc.strerror or exc})",
                    "check the folder's permissions; the other files were loaded",
                    "unreadable",
                ),
            )
        )

    for dirpath, dirnames, filenames in os.walk(folder, onerror=cannot_list):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        for name in sorted(filenames):
            if not _skipped(name):
                found.append(Path(dirpath) / name)
    return found, unreadable


def _resolved(path: Path) -> Path | None:
    """The real path, or None for a link that loops (ELOOP, or RuntimeError before 3.13)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a link that loops
        return False


def _skipped(name: str) -> bool:
    low = name.lower()
    return (
        low.startswith((".", "~$"))
        or low.endswith(SKIP_SUFFIXES)
        or ".duckdb" in low
        or ".sqlite" in low  # the 整改跟踪 store and its -wal/-shm files, beside the database
        or low in SKIP_NAMES
    )


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
