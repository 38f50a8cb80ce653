"""Find the files to load: paths, folders (recursively), a manifest of paths/URLs, http(s) URLs.

A source that cannot be found or downloaded is still returned, carrying its ReportError, so the
pipeline records it as a failed file and carries on with the rest of the batch (a URL is fetched
by etl/download.py).
Origins (what messages print and the database stores) are `display_name`s: a file name with
GBK bytes (unzip of a Chinese Windows zip) or a newline can neither break the batch nor forge
an output line; the path opened is the name as the file system has it.
Folder walks skip hidden files and the project's own side files (truth JSON, CSV, TOML, the
database); a file named explicitly is always taken.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path

from etl.collect.manifest import MANIFEST, is_collected, portal_of_file, portal_sources
from etl.download import download
from etl.errors import ReportError, display_name
from etl.extract import MAX_BYTES
from etl.source_file import SourceFile

SKIP_SUFFIXES = (".json", ".csv", ".toml", ".py", ".pyc", ".tsv", ".log", ".lock", ".building")
SKIP_NAMES = ("readme", "readme.md", "readme.txt", "license", "makefile")


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
