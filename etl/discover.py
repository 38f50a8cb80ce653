"""Find the files to load: paths, folders (recursively), a manifest of paths/URLs, http(s) URLs.

A source that cannot be found or downloaded is still returned, carrying its ReportError, so the
pipeline records it as a failed file and carries on with the rest of the batch.
Folder walks skip hidden files and the project's own side files (truth JSON, CSV, TOML, the
database); a file named explicitly is always taken.
"""

from __future__ import annotations

import csv
import hashlib
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.collect.manifest import MANIFEST, is_collected, portal_of_file, portal_sources
from etl.errors import ReportError
from etl.extract import MAX_BYTES

SKIP_SUFFIXES = (".json", ".csv", ".toml", ".py", ".pyc", ".tsv", ".log", ".lock", ".building")
SKIP_NAMES = ("readme", "readme.md", "readme.txt", "license", "makefile")
DOWNLOAD_TIMEOUT = 30  # seconds per URL
USER_AGENT = "gongkai/0.1 (+government information disclosure report ETL)"


@dataclass(frozen=True)
class SourceFile:
    origin: str  # what the user named: a path or a URL; used in messages and stored as source_path
    path: Path | None  # the local file to read (a download lands in a temp folder)
    kind: str = "file"  # "file" | "url"
    error: ReportError | None = None  # set when the source could not be found or fetched
    portal: object | None = None  # etl.collect.manifest.PortalSource for a collected file


def discover_sources(inputs: Iterable[str | Path], manifest: str | Path | None = None,
                     download_dir: str | Path | None = None,
                     max_bytes: int = MAX_BYTES) -> list[SourceFile]:
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
        raise ReportError(str(m), f"cannot read the manifest ({exc})",
                          "give a UTF-8 text file with one path or URL per line", "bad_manifest")
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
        return [SourceFile(str(f), f, portal=portal.get(f.resolve())) for f in _walk(p)
                if not images or f.resolve() not in images]
    if p.is_file():
        return [SourceFile(entry, p, portal=portal_of_file(p))]
    return [SourceFile(entry, None, error=ReportError(
        entry, "no such file or folder", "check the path (and quote names with spaces)", "not_found"))]


def _walk(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        for name in sorted(filenames):
            if not _skipped(name):
                found.append(Path(dirpath) / name)
    return found


def _skipped(name: str) -> bool:
    low = name.lower()
    return (low.startswith((".", "~$")) or low.endswith(SKIP_SUFFIXES) or ".duckdb" in low
            or low in SKIP_NAMES)


def download(url: str, download_dir, max_bytes: int = MAX_BYTES,
             timeout: float = DOWNLOAD_TIMEOUT) -> SourceFile:
    """Fetch `url` into download_dir (size-capped); on failure return a SourceFile with the error."""
    def fail(problem: str, hint: str, code: str = "download_failed") -> SourceFile:
        return SourceFile(url, None, "url", ReportError(url, problem, hint, code))

    if download_dir is None:
        return fail("URLs need a download folder", "internal: pass download_dir", "internal")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                return fail(f"the download is {int(declared) // 1_048_576} MB, over the "
                            f"{max_bytes // 1_048_576} MB limit",
                            "no annual report is this large; check the URL", "too_large")
            data = resp.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        return fail(f"download failed: HTTP {exc.code} {exc.reason}",
                    "check that the URL opens in a browser")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return fail(f"download failed ({reason})",
                    "check the URL and the network, or download the file and load it from disk")
    if len(data) > max_bytes:
        return fail(f"the download is over the {max_bytes // 1_048_576} MB limit",
                    "no annual report is this large; check the URL", "too_large")
    name = Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)).name[-120:] or "download"
    folder = Path(download_dir) / hashlib.sha1(url.encode()).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(data)
    return SourceFile(url, target, "url")
