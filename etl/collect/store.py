"""Where collected files go: <out>/<agency>/<year>/<name>, names from the URL, never two URLs
on one name; a file whose bytes changed is moved to <out>/.superseded/<time>/ before the new
bytes are written (hidden folders are not loaded). List pages are cached in <out>/.pages/.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import unicodedata
import urllib.parse
from datetime import datetime
from pathlib import Path, PurePosixPath

from etl.collect.pages import file_name
from etl.collect.safe_files import (
    PlantedLink,
    checked_folder,
    is_regular_file,
    read_no_follow,
    refuse_link,
    write_atomically,
    write_in,
)
from etl.collect.sites import CollectError
from etl.safe_text import portable_name

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
# names of our own inside the output folder: a link planted at one stops the run before any
# request (the manifest is the run's record; writing it through a link would be the worst case)
OWN_NAMES = ("manifest.csv", "findings.csv", STATE, ".pages", ".superseded")
MAX_NAME_BYTES = 200  # of UTF-8, extension included: ext4/XFS/btrfs allow 255, NTFS 255 UTF-16
FOLDER_BYTES = 120  # agency and year folders: room left for the file name under PATH_MAX/260


class Store:
    def __init__(self, out: str | Path):
        self.out = Path(out)
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            with checked_folder(self.out, [], create=False) as top:
                for name in OWN_NAMES:
                    refuse_link(top, name)
                write_atomically(top, ".write-test", b"")
                os.unlink(".write-test", dir_fd=top.fd)
                state = read_no_follow(top, STATE)
        except OSError as exc:
            raise CollectError(
                f"{self.out}：无法写入输出文件夹（{exc.strerror}）。请换一个文件夹"
            ) from None
        self.stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.taken: dict[str, str] = {}  # relative file, case-folded -> url
        try:
            self.state: dict = json.loads(state.decode("utf-8")) if state else {}
            if not isinstance(self.state, dict):
                self.state = {}
        except ValueError:
            self.state = {}  # a damaged cache only costs a full re-fetch of the list pages
        self.lists: dict = self.state.setdefault("lists", {})  # list page url -> validators, file
        self.robots: dict = self.state.setdefault("robots", {})  # site -> robots.txt, validators
        self.rejected: dict = self.state.setdefault("not_reports", {})  # url -> validators

    def claim(self, rel: str, url: str) -> None:
        self.taken[_key(rel)] = url

    def place(
        self, agency: str, year: str, url: str, hint: str = "", page: bool = False, ctype: str = ""
    ) -> str:
        """A relative path for `url`'s file, unique to this URL (also where case or Unicode form
        are not told apart), with the suffix of what it is; every part a portable name."""
        parts = urllib.parse.urlsplit(url)
        name = file_name(url)
        named = _QUERY_NAME.search(urllib.parse.unquote(parts.query))
        if named:  # downfile.jsp?filename=2501.pdf
            name = PurePosixPath(named.group(1)).name
        elif (not _ext(name) or _ext(name) in SCRIPTS) and _ext(hint) not in ("", *SCRIPTS):
            name = PurePosixPath(hint.strip().replace("\\", "/")).name  # the link text names it
        stem, ext = (name[: -len(_ext(name))], _ext(name)) if _ext(name) else (name or "index", "")
        if page and ext not in PAGE_SUFFIXES:
            stem, ext = (stem + ext.replace(".", "_")), ".html"
        if not ext or ext in SCRIPTS:
            ext = TYPES.get(ctype.split(";")[0].strip().lower(), ext or ".bin")
            ext = ".bin" if ext in SCRIPTS else ext
        if parts.query and not named:
            stem += "-" + hashlib.sha1(parts.query.encode()).hexdigest()[:6]
        folder = f"{portable_name(agency, FOLDER_BYTES)}/{portable_name(year or '未知年度', 16)}"
        ext = "." + portable_name(ext[1:], 7)
        rel = f"{folder}/{portable_name(stem, MAX_NAME_BYTES, ext)}"
        if self.taken.get(_key(rel), url) != url:
            tag = "-" + hashlib.sha1(url.encode()).hexdigest()[:6]
            rel = f"{folder}/{portable_name(stem, MAX_NAME_BYTES - len(tag), tag + ext)}"
        self.taken[_key(rel)] = url
        return rel

    def save(self, rel: str, data: bytes, replaces: str = "") -> None:
        """Write bytes at `rel`; the earlier bytes (file `replaces`) go to .superseded/ first.
        PlantedLink when a folder or the file on the way is a symbolic link."""
        *folders, name = rel.split("/")
        with contextlib.ExitStack() as held:
            folder = held.enter_context(checked_folder(self.out, folders, create=True))
            refuse_link(folder, name)
            old_rel = replaces or rel
            *old_folders, old_name = old_rel.split("/")
            try:
                old_folder = held.enter_context(checked_folder(self.out, old_folders, False))
            except FileNotFoundError:
                old_folder = None
            if old_folder is not None and is_regular_file(old_folder, old_name):
                *keep_folders, keep_name = f".superseded/{self.stamp}/{old_rel}".split("/")
                keep = held.enter_context(checked_folder(self.out, keep_folders, create=True))
                refuse_link(keep, keep_name)
                os.replace(old_name, keep_name, src_dir_fd=old_folder.fd, dst_dir_fd=keep.fd)
            write_atomically(folder, name, data)

    def read(self, rel: str) -> bytes | None:
        *folders, name = rel.split("/")
        try:
            with checked_folder(self.out, folders, create=False) as folder:
                return read_no_follow(folder, name)
        except (OSError, PlantedLink):
            return None

    # --- list pages: cached so an unchanged list (304) still yields its links ----------------

    def cached_list(self, url: str) -> tuple[dict, bytes | None]:
        entry = self.lists.get(url) or {}
        data = None
        if entry.get("file"):
            data = self.read(f".pages/{entry['file']}")
            if data is None:
                entry = {}
        return entry, data

    def cache_list(self, url: str, data: bytes, etag: str, last_modified: str, ctype: str) -> None:
        name = hashlib.sha1(url.encode()).hexdigest()[:16] + ".html"
        write_in(self.out, [".pages"], name, data)
        self.lists[url] = {
            "file": name,
            "etag": etag,
            "last_modified": last_modified,
            "content_type": ctype,
        }

    def flush_state(self) -> None:
        data = json.dumps(self.state, ensure_ascii=False, indent=0).encode("utf-8")
        write_in(self.out, [], STATE, data)


def _key(rel: str) -> str:
    """Two names Windows or macOS would take for one (case, Unicode form) are one name."""
    return unicodedata.normalize("NFC", rel).casefold()
