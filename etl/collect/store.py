"""Where collected files go: <out>/<agency>/<year>/<name>, names from the URL, never two URLs
on one name; a file whose bytes changed is moved to <out>/.superseded/<time>/ before the new
bytes are written (hidden folders are not loaded). List pages are cached in <out>/.pages/.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import urllib.parse
from datetime import datetime
from pathlib import Path, PurePosixPath

from etl.collect.pages import file_name
from etl.collect.sites import CollectError

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_QUERY_NAME = re.compile(r"=([^&=]*\.(?:pdf|docx?|wps|xlsx?|et|ofd))(?:&|$)", re.IGNORECASE)
SCRIPTS = (".jsp", ".php", ".asp", ".aspx", ".do", ".action", ".cgi", ".ashx")
PAGE_SUFFIXES = (".htm", ".html", ".shtml", ".jhtml", ".xhtml")
TYPES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-works": ".wps",
    "application/ofd": ".ofd",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "text/html": ".html",
    "text/plain": ".txt",
}


def _ext(name: str) -> str:
    suffix = PurePosixPath((name or "").strip()).suffix.lower()
    return suffix if 1 < len(suffix) <= 6 and suffix[1:].isalnum() else ""


STATE = ".state.json"


def safe_name(text: str, limit: int = 80) -> str:
    name = _UNSAFE.sub("_", text).strip(" ._") or "_"
    return name[:limit]


class Store:
    def __init__(self, out: str | Path):
        self.out = Path(out)
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            probe = self.out / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise CollectError(
                f"{self.out}：无法写入输出文件夹（{exc.strerror}）。请换一个文件夹"
            ) from None
        self.stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.taken: dict[str, str] = {}  # relative file -> url
        state = self.out / STATE
        try:
            self.state: dict = (
                json.loads(state.read_text(encoding="utf-8")) if state.is_file() else {}
            )
        except (OSError, ValueError):
            self.state = {}  # a damaged cache only costs a full re-fetch of the list pages
        self.lists: dict = self.state.setdefault("lists", {})  # list page url -> validators, file
        self.robots: dict = self.state.setdefault("robots", {})  # site -> robots.txt, validators
        self.rejected: dict = self.state.setdefault("not_reports", {})  # url -> validators

    def claim(self, rel: str, url: str) -> None:
        self.taken[rel] = url

    def place(
        self, agency: str, year: str, url: str, hint: str = "", page: bool = False, ctype: str = ""
    ) -> str:
        """A relative path for `url`'s file, unique to this URL, with the suffix of what it is."""
        parts = urllib.parse.urlsplit(url)
        name = file_name(url)
        named = _QUERY_NAME.search(urllib.parse.unquote(parts.query))
        if named:  # downfile.jsp?filename=2501.pdf
            name = PurePosixPath(named.group(1)).name
        elif (not _ext(name) or _ext(name) in SCRIPTS) and _ext(hint) not in ("", *SCRIPTS):
            name = PurePosixPath(hint.strip()).name  # the link text carries the real name
        stem, ext = (name[: -len(_ext(name))], _ext(name)) if _ext(name) else (name or "index", "")
        if page and ext not in PAGE_SUFFIXES:
            stem, ext = (stem + ext.replace(".", "_")), ".html"
        if not ext or ext in SCRIPTS:
            ext = TYPES.get(ctype.split(";")[0].strip().lower(), ext or ".bin")
            ext = ".bin" if ext in SCRIPTS else ext
        if parts.query and not named:
            stem += "-" + hashlib.sha1(parts.query.encode()).hexdigest()[:6]
        folder = f"{safe_name(agency, 60)}/{safe_name(year or '未知年度', 12)}"
        ext = "." + safe_name(ext[1:], 7)
        rel = f"{folder}/{safe_name(stem, 90)}{ext}"
        if self.taken.get(rel, url) != url:
            rel = (
                f"{folder}/{safe_name(stem, 80)}-{hashlib.sha1(url.encode()).hexdigest()[:6]}{ext}"
            )
        self.taken[rel] = url
        return rel

    def save(self, rel: str, data: bytes, replaces: str = "") -> None:
        """Write bytes at `rel`; the earlier bytes (file `replaces`) go to .superseded/ first."""
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        old = self.out / replaces if replaces else target
        if old.is_file():
            keep = self.out / ".superseded" / self.stamp / (replaces or rel)
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(old), keep)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    def read(self, rel: str) -> bytes | None:
        try:
            return (self.out / rel).read_bytes()
        except OSError:
            return None

    # --- list pages: cached so an unchanged list (304) still yields its links ----------------

    def cached_list(self, url: str) -> tuple[dict, bytes | None]:
        entry = self.lists.get(url) or {}
        data = None
        if entry.get("file"):
            try:
                data = (self.out / ".pages" / entry["file"]).read_bytes()
            except OSError:
                entry = {}
        return entry, data

    def cache_list(self, url: str, data: bytes, etag: str, last_modified: str, ctype: str) -> None:
        name = hashlib.sha1(url.encode()).hexdigest()[:16] + ".html"
        (self.out / ".pages").mkdir(exist_ok=True)
        (self.out / ".pages" / name).write_bytes(data)
        self.lists[url] = {
            "file": name,
            "etag": etag,
            "last_modified": last_modified,
            "content_type": ctype,
        }

    def flush_state(self) -> None:
        tmp = self.out / (STATE + ".tmp")
        tmp.write_text(json.dumps(self.state, ensure_ascii=False, indent=0), encoding="utf-8")
        os.replace(tmp, self.out / STATE)
