"""The collected folder's record: `manifest.csv` (one row per file found, saved or not) and
`findings.csv` (what only the collector can see), both UTF-8 with BOM so Excel opens them, and
formula-like text (a portal title or sites.csv name starting with `=`) quoted (etl.safe_text).

This module is also how `gongkai load` reads a collected folder: `portal_info(folder)` tells,
for each saved file, the portal's 发布时间 and where it came from; `portal_findings(folder)`
the findings to record.
"""

from __future__ import annotations

import csv
import io
import os
import urllib.parse
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

from etl.safe_text import csv_cell, csv_cell_read

MANIFEST = "manifest.csv"
FINDINGS = "findings.csv"
ROLE_PAGE, ROLE_ATTACHMENT = "page", "attachment"


@dataclass
class Row:
    agency: str  # as sites.csv names it: a registry code or a standard name
    year: str  # the year the report title names
    title: str
    url: str
    published: str  # the portal's 发布时间 (ISO date), '' when the portal shows none
    fetched_at: str  # ISO timestamp of the last request (a 304 counts)
    status: str  # HTTP status, or '' when no answer came
    sha256: str  # of the saved bytes; '' when nothing was saved
    file: str  # path of the saved file relative to the collected folder; '' when none
    role: str  # page | attachment
    article: str  # the article page the file belongs to
    etag: str = ""
    last_modified: str = ""
    previous_sha256: str = ""  # bytes saved by an earlier collection, moved to .superseded/
    error: str = ""
    agency_name: str = ""  # the registry's standard name of `agency`, when it has one


COLUMNS = tuple(f.name for f in fields(Row))


@dataclass
class PortalFinding:
    agency: str
    year: str
    rule: str  # portal.no_report | portal.conflicting_versions | portal.broken_link
    severity: str
    message: str
    url: str = ""
    articles: str = ""  # '|'-separated article URLs the finding is about


FINDING_COLUMNS = tuple(f.name for f in fields(PortalFinding))


def read_rows(folder: Path) -> list[Row]:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [Row(**_read(r, COLUMNS)) for r in csv.DictReader(fh)]


def write_rows(folder: Path, rows: list[Row]) -> None:
    _write(Path(folder) / MANIFEST, COLUMNS, [asdict(r) for r in rows])


def read_findings(folder: Path) -> list[PortalFinding]:
    path = Path(folder) / FINDINGS
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [PortalFinding(**_read(r, FINDING_COLUMNS)) for r in csv.DictReader(fh)]


def write_findings(folder: Path, found: list[PortalFinding]) -> None:
    _write(Path(folder) / FINDINGS, FINDING_COLUMNS, [asdict(f) for f in found])


def _write(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    """Written aside and swapped (never half a manifest), never through a planted link."""
    from etl.collect.safe_files import write_in

    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    write_in(path.parent, [], path.name, text.getvalue().encode("utf-8-sig"))


def _read(row: dict, columns: tuple[str, ...]) -> dict[str, str]:
    """One CSV row as written: the quote `csv_cell` put before formula-like text taken off."""
    return {c: csv_cell_read(row.get(c) or "") for c in columns}


def is_collected(folder: str | Path) -> bool:
    """A folder `gongkai collect` wrote: its manifest.csv has the collector's header."""
    path = Path(folder) / MANIFEST
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError):
        return False
    return tuple(header[: len(COLUMNS)]) == COLUMNS


def collected_folders(entries) -> list[Path]:
    """Collected folders among (or inside) the given folders, and those of collector manifests."""
    out: list[Path] = []
    for entry in entries:
        p = Path(str(entry))
        if p.is_file() and p.name == MANIFEST:
            p = p.parent
        if not p.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "__"))]
            if MANIFEST in filenames and is_collected(dirpath):
                out.append(Path(dirpath))
                dirnames[:] = []  # a collected folder holds no other collected folder
    return list(dict.fromkeys(out))


def portal_info(folder: Path) -> dict[Path, Row]:
    """Resolved path of each saved file -> its manifest row."""
    return {(Path(folder) / r.file).resolve(): r for r in read_rows(folder) if r.file}


def portal_findings(folder: Path) -> list[tuple[PortalFinding, set[str]]]:
    """Each finding with the sha256 of the files saved from the articles it is about."""
    by_article: dict[str, set[str]] = {}
    for r in read_rows(folder):
        if r.sha256:
            by_article.setdefault(r.article, set()).add(r.sha256)
    out = []
    for f in read_findings(folder):
        shas: set[str] = set()
        for article in filter(None, f.articles.split("|")):
            shas |= by_article.get(article, set())
        out.append((f, shas))
    return out


MAX_NOT_A_NAME = 2  # "政府", "本局": no agency is named this short (a county, 沭阳县, is 3)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")


@dataclass(frozen=True)
class PortalSource:
    """What `gongkai load` knows of a collected file besides its bytes."""

    row: Row
    wrapper: bool  # an article page linking document attachments: the report is in those


def portal_sources(folder: str | Path) -> tuple[dict[Path, PortalSource], set[Path]]:
    """For every collected folder in `folder`: resolved file path -> PortalSource, and the
    saved images, which are kept with the manifest but not loaded (they need OCR first)."""
    info: dict[Path, PortalSource] = {}
    images: set[Path] = set()
    for root in collected_folders([folder]):
        rows = read_rows(root)
        with_docs = {
            r.article
            for r in rows
            if r.role == ROLE_ATTACHMENT  # saved or broken
            and not _is_image(r)
        }
        for r in rows:
            if not r.file:
                continue
            path = (root / r.file).resolve()
            if _is_image(r):
                images.add(path)
            info[path] = PortalSource(r, r.role == ROLE_PAGE and r.article in with_docs)
    return info, images


def portal_of_file(path: str | Path, levels: int = 4) -> PortalSource | None:
    """The PortalSource of one file named on its own, found in a collected folder above it."""
    p = Path(path).resolve()
    for root in list(p.parents)[:levels]:
        try:
            stamp = (root / MANIFEST).stat().st_mtime_ns
        except OSError:
            continue
        if is_collected(root):
            return _sources_of(str(root), stamp).get(p)
    return None


@lru_cache(maxsize=8)
def _sources_of(root: str, stamp: int) -> dict[Path, PortalSource]:
    return portal_sources(root)[0]  # `stamp`: a manifest rewritten since is read again


def _is_image(row: Row) -> bool:
    name = row.file or urllib.parse.urlsplit(row.url).path
    return Path(name).suffix.lower() in IMAGE_SUFFIXES


def apply_portal(report, source: PortalSource) -> None:
    """The portal's 发布时间 becomes the publication date; the document's own date stays beside
    it (as its 落款 date when it prints none); the title's year fills a missing year; a wrapper
    page with no figures of its own is not taken for the report its attachments hold; a document
    that names no agency is taken as the site's (when sites.csv named a registry agency)."""
    from etl.fields import NOT_A_REPORT

    row = source.row
    if "portal_url" in report.meta:
        return  # applied already (a batch replayed after a failed write)
    own = report.published
    report.meta["portal_url"] = row.url
    if row.published:
        report.meta["document_published"] = own
        report.published = row.published
        if own and own != row.published and not report.meta.get("signed"):
            report.meta["signed"] = own
    if report.year is None and row.year.isdigit():
        report.year = int(row.year)
    if len((report.agency or "").strip()) <= MAX_NOT_A_NAME and row.agency_name:
        report.agency = row.agency_name  # the document names no one: it is on this agency's site
        report.meta["agency_from_portal"] = True
    if source.wrapper and not report.values and report.template != NOT_A_REPORT:
        report.template = NOT_A_REPORT
        report.meta["reason"] = "年报文章页面本身没有统计数，报告在其附件中"


def collected_findings(entries) -> list[tuple[Path, list[tuple[object, set[str]]]]]:
    """For each collected folder: [(Finding, sha256s of the files of its articles)]."""
    from etl.report import Finding

    return [
        (
            root,
            [
                (Finding(f.rule, (), None, None, f.message, f.severity or "warning"), shas)
                for f, shas in portal_findings(root)
            ],
        )
        for root in collected_folders(entries)
    ]
