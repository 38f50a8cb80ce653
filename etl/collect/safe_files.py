"""Writing inside the collected folder without ever following a symbolic link.

The collected folder is shared (a network drive, a folder several colleagues copy into), and the
names in it come from portals. A link planted there — `洪泽区/2024/报告.pdf -> /etc/passwd`, or a
whole `洪泽区 -> /home/someone` — must not make the collector write (or move, or read) through
it. So the folders below the output folder are opened one by one, each from the handle of the
one before (dir_fd) with O_NOFOLLOW (created when missing), and every name is then looked up,
written and renamed relative to the last handle: a folder swapped for a link after it was
checked cannot redirect the write (an lstat of each path, then a write by path, could be won by
a swap in between). A file is written to a fresh temporary name opened with
O_CREAT|O_EXCL|O_NOFOLLOW in the same folder and renamed over the target (atomic: a reader never
sees half a file), and a target that is itself a link is refused: `PlantedLink`, one line, its
target untouched. POSIX only (dir_fd): gongkai runs on Linux.

The output folder itself is the user's choice and may be a link (data/collected -> /mnt/disk).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from etl.collect.sites import CollectError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; Windows links need privileges to plant
_BINARY = getattr(os, "O_BINARY", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class PlantedLink(CollectError):
    """A symbolic link (or a file where a folder belongs) inside the collected folder."""


class Folder:
    """A folder below the output folder, held open: every name is looked up, written and renamed
    relative to this handle (dir_fd), so a folder on the way swapped for a link after it was
    checked changes nothing. `path` is for messages only. Close it (or use `with`)."""

    def __init__(self, fd: int, path: Path):
        self.fd, self.path = fd, path

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None


def checked_folder(root: Path, rel_parts: tuple[str, ...] | list[str], create: bool) -> Folder:
    """`root/part/part…` held open, each part opened from the one before with O_NOFOLLOW (made
    when `create`): a link on the way is refused, never followed, whenever it was planted."""
    fd = os.open(root, os.O_RDONLY | _DIRECTORY)  # the user's choice: may be a link
    path = root
    try:
        for part in rel_parts:
            path = path / part
            if create:
                try:
                    os.mkdir(part, dir_fd=fd)
                except FileExistsError:
                    pass  # there already: opened just below like any other
            parent, fd = fd, -1
            try:
                fd = _open_part(parent, part, path)
            finally:
                os.close(parent)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        raise
    return Folder(fd, path)


def _open_part(parent: int, part: str, path: Path) -> int:
    """The folder `part` inside the open folder `parent`, itself, never a link."""
    try:
        return os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=parent)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
    try:  # O_NOFOLLOW|O_DIRECTORY on a link: ELOOP or ENOTDIR, as on a file
        is_link = stat.S_ISLNK(os.stat(part, dir_fd=parent, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        raise  # gone meanwhile
    if is_link:
        raise PlantedLink(_link_line(path))
    raise PlantedLink(f"{path}：这里应是文件夹，却是一个文件，没有写入。请移走该文件后再运行")


def refuse_link(folder: Folder, name: str) -> None:
    """PlantedLink when `name` in `folder` is a symbolic link; a missing name is fine."""
    st = folder.lstat(name)
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise PlantedLink(_link_line(folder.path / name))


def write_atomically(folder: Folder, name: str, data: bytes) -> None:
    """`name` in `folder` holds `data` afterwards, or is untouched; never written through a link."""
    refuse_link(folder, name)
    tmp = f".{secrets.token_hex(8)}.part"  # short: the target's name may be 200 bytes
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    fd = os.open(tmp, flags, 0o644, dir_fd=folder.fd)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # renames over a link planted meanwhile, never through it
        os.replace(tmp, name, src_dir_fd=folder.fd, dst_dir_fd=folder.fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder.fd)
        raise


def write_in(root: Path, rel_parts: tuple[str, ...] | list[str], name: str, data: bytes) -> None:
    """write_atomically into `root/part/…` (made when missing), every part checked on the way."""
    with checked_folder(root, rel_parts, create=True) as folder:
        write_atomically(folder, name, data)


def is_regular_file(folder: Folder, name: str) -> bool:
    """`name` in `folder` is a file, itself (not a link to one)."""
    st = folder.lstat(name)
    return st is not None and stat.S_ISREG(st.st_mode)


def read_no_follow(folder: Folder, name: str) -> bytes | None:
    """The bytes of the regular file `name` in `folder`, or None (missing, a link, unreadable)."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _BINARY, dir_fd=folder.fd)
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
