"""Writing inside the collected folder without ever following a symbolic link.

The collected folder is shared (a network drive, a folder several colleagues copy into), and the
names in it come from portals. A link planted there — `洪泽区/2024/报告.pdf -> /etc/passwd`, or a
whole `洪泽区 -> /home/someone` — must not make the collector write (or move, or read) through
it. So every folder below the output folder is checked with lstat (created when missing), a
file is written to a fresh temporary name opened with O_CREAT|O_EXCL|O_NOFOLLOW in the same
folder and renamed over the target (atomic: a reader never sees half a file), and a target that
is itself a link is refused: `PlantedLink`, one line, its target untouched.

The output folder itself is the user's choice and may be a link (data/collected -> /mnt/disk).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from etl.collect.sites import CollectError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; Windows links need privileges to plant
_BINARY = getattr(os, "O_BINARY", 0)


class PlantedLink(CollectError):
    """A symbolic link (or a file where a folder belongs) inside the collected folder."""


def checked_folder(root: Path, rel_parts: tuple[str, ...] | list[str], create: bool) -> Path:
    """`root/part/part…`, each part a real folder (made when `create`), never a link."""
    path = root
    for part in rel_parts:
        path = path / part
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            if not create:
                raise
            try:
                os.mkdir(path)
            except FileExistsError:
                pass  # made meanwhile: checked just below like any other
            st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            raise PlantedLink(_link_line(path))
        if not stat.S_ISDIR(st.st_mode):
            raise PlantedLink(
                f"{path}：这里应是文件夹，却是一个文件，没有写入。请移走该文件后再运行"
            )
    return path


def refuse_link(path: Path) -> None:
    """PlantedLink when `path` is a symbolic link; a missing path is fine."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise PlantedLink(_link_line(path))


def write_atomically(folder: Path, name: str, data: bytes) -> None:
    """`folder/name` holds `data` afterwards, or is untouched; never written through a link."""
    target = folder / name
    refuse_link(target)
    tmp = folder / f".{secrets.token_hex(8)}.part"  # short: the target's name may be 200 bytes
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)  # renames over a link planted meanwhile, never through it
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_regular_file(path: Path) -> bool:
    """A file, itself (not a link to one)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def read_no_follow(path: Path) -> bytes | None:
    """The bytes of a regular file at `path`, or None (missing, a link, unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        return fh.read()


def _link_line(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return (
        f"{path}：输出文件夹中的这个位置是符号链接（指向 {target}），为安全起见没有写入，"
        "链接所指的文件未动。请删除该链接后再运行"
    )
