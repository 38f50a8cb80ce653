"""A folder swapped for a symbolic link between its check and the write (issue 23, fourth round).

The folders below the collected folder were checked with lstat, then written by path: a swap
in between (a colleague's script, or someone racing the collector on a shared drive) redirected
the write through the link. Now each folder is opened from the one before (dir_fd, O_NOFOLLOW)
and the file is written relative to that handle: the swap changes nothing.
"""

from __future__ import annotations

import pytest

import etl.collect.store as store_module
from etl.collect.safe_files import PlantedLink, checked_folder, write_atomically
from etl.collect.store import Store

PDF = b"%PDF-1.4 the report"


def test_an_agency_folder_swapped_for_a_link_after_its_check_is_not_written_through(
    tmp_path, monkeypatch
):
    out = tmp_path / "out"
    store = Store(out)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "2024").mkdir(parents=True)
    write = store_module.write_atomically

    def swap_then_write(*args):  # every check done, the write about to begin
        agency = out / "某局"
        agency.rename(out / "某局.moved")
        agency.symlink_to(elsewhere, target_is_directory=True)
        return write(*args)

    monkeypatch.setattr(store_module, "write_atomically", swap_then_write)
    store.save("某局/2024/报告.pdf", PDF)
    assert list((elsewhere / "2024").iterdir()) == []  # nothing written through the link
    assert (out / "某局.moved" / "2024" / "报告.pdf").read_bytes() == PDF  # the folder checked


def test_a_link_on_the_way_is_refused_when_the_folder_is_opened(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "某局").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(PlantedLink) as caught:
        checked_folder(tmp_path / "out", ["某局", "2024"], create=True)
    assert "符号链接" in str(caught.value) and "\n" not in str(caught.value)
    assert list((tmp_path / "elsewhere").iterdir()) == []  # not even the year folder made there


def test_a_file_swapped_for_a_link_is_replaced_never_written_through(tmp_path):
    secret = tmp_path / "secret"
    secret.write_bytes(b"keep")
    with checked_folder(tmp_path, ["out"], create=True) as folder:
        (tmp_path / "out" / "a.pdf").symlink_to(secret)  # planted after the folder was opened
        with pytest.raises(PlantedLink):
            write_atomically(folder, "a.pdf", PDF)
    assert secret.read_bytes() == b"keep"
