"""Loads that see a whole file (issue 23): a file still being written, a file cut short, links
that loop or point nowhere, a folder that cannot be listed.

Built from the real shuyang_2025.md; loads run next to the four real reports loaded earlier,
whose rows must stay untouched.
"""

from __future__ import annotations

import errno
import os
import threading
import time

import pytest

from etl.pipeline import run_load
from tests.conftest import REAL
from tests.gongkai.conftest import copy_db, gongkai, query, shuyang_text

# slow: the real `gongkai` CLI end to end (subprocesses, whole loads of real reports, or a
# database loaded from them)
pytestmark = pytest.mark.slow

SHUYANG = REAL / "shuyang_2025.md"


def real_rows(db) -> list[tuple]:
    return query(
        db,
        "SELECT r.agency_id, r.year, r.version, r.is_current, v.key, v.value FROM reports r"
        " JOIN report_values v USING (report_id) WHERE r.source_path LIKE '%real-reports%'"
        " ORDER BY ALL",
    )


# ------------------------------------------------------------------ a file still being written


def _append_slowly(path, lines, stop: threading.Event, every: float) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        for line in lines:
            if stop.is_set():
                return
            fh.write(line)
            fh.flush()
            time.sleep(every)


@pytest.mark.parametrize("attempt", range(5))
def test_a_file_being_appended_to_is_refused_not_stored_in_part(baseline_db, tmp_path, attempt):
    db = copy_db(baseline_db, tmp_path / "db")
    before = real_rows(db)
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / "shuyang_growing.md"
    lines = shuyang_text(2016).splitlines(keepends=True)
    target.write_text("".join(lines[:10]), encoding="utf-8")
    stop = threading.Event()
    writer = threading.Thread(
        target=_append_slowly, args=(target, lines[10:], stop, 0.1 + 0.1 * attempt)
    )
    writer.start()
    try:
        time.sleep(0.2 * attempt)  # the load starts at another point of the writing each time
        summary = run_load([folder], db, workers=1)
    finally:
        stop.set()
        writer.join()
    assert summary.loaded == [] and [p for p, _ in summary.failed] == [str(target)]
    assert query(db, "SELECT code, problem FROM load_errors WHERE path = ?", [str(target)]) == [
        ("changed", "the file changed while it was being read")
    ]
    assert query(db, "SELECT count(*) FROM reports WHERE source_path = ?", [str(target)]) == [(0,)]
    assert real_rows(db) == before


# ------------------------------------------------------------------ a file cut short


def _cut(text: str, where: str) -> str:
    lines = text.splitlines(keepends=True)
    t3 = next(i for i, s in enumerate(lines) if s.startswith("## 三、"))
    t4 = next(i for i, s in enumerate(lines) if s.startswith("## 四、"))
    return "".join(lines[:t3] if where == "after_t2" else lines[: (t3 + t4) // 2])


@pytest.fixture(scope="module")
def truncated(baseline_db, tmp_path_factory):
    root = tmp_path_factory.mktemp("truncated")
    db = copy_db(baseline_db, root / "db")
    before = real_rows(db)
    folder = root / "in"
    folder.mkdir()
    # a re-download of a report loaded earlier, cut in the middle of 表三
    (folder / "shuyang_2025.md").write_text(_cut(SHUYANG.read_text("utf-8"), "mid_t3"), "utf-8")
    # reports never loaded before, cut after 表二 and in the middle of 表三
    (folder / "after_t2.md").write_text(_cut(shuyang_text(2017), "after_t2"), "utf-8")
    (folder / "mid_t3.md").write_text(_cut(shuyang_text(2018), "mid_t3"), "utf-8")
    result = gongkai("load", folder, "--db", db)
    return db, folder, result, before


def _report(db, path) -> tuple:
    [row] = query(
        db,
        "SELECT report_id, template, version, is_current FROM reports WHERE source_path = ?",
        [str(path)],
    )
    return row


def _findings(db, report_id) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for rule, message, responsibility in query(
        db, "SELECT rule, message, responsibility FROM findings WHERE report_id = ?", [report_id]
    ):
        out.setdefault(rule, []).append((message, responsibility))
    return out


def test_the_truncated_files_load_and_earlier_rows_stay(truncated):
    db, _, result, before = truncated
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[0].endswith("loaded 3, unchanged 0, not a report 0, failed 0")
    assert real_rows(db) == before  # version 1 of shuyang 2025 is still current, figures as read


def test_a_cut_copy_of_a_loaded_report_is_kept_as_a_non_current_version(truncated):
    db, folder, result, _ = truncated
    report_id, template, version, current = _report(db, folder / "shuyang_2025.md")
    assert (template, version, current) == ("std2021", 2, False)
    found = _findings(db, report_id)
    assert found["report.truncated"] == [
        (
            "文件在表三中途中断，之后没有表四、第五、六部分：可能是下载不完整或文件被截断。"
            "缺少的部分不计为单位的问题；请取得完整文件后重新载入",
            "reader",
        )
    ]
    assert "report.worse_version" in found
    assert "stored as version 2, not current" in result.stdout


@pytest.mark.parametrize(
    "name,template_keys,where,missing",
    [
        ("after_t2.md", {"t2"}, "表二之后", "表三、表四、第五、六部分"),
        ("mid_t3.md", {"t2", "t3"}, "表三中途", "表四、第五、六部分"),
    ],
)
def test_a_cut_report_is_std_with_a_finding_that_blames_no_agency(
    truncated, name, template_keys, where, missing
):
    db, folder, _, _ = truncated
    report_id, template, version, current = _report(db, folder / name)
    assert (template, version, current) == ("std2021", 1, True)  # never "legacy"
    keys = {
        k for (k,) in query(db, "SELECT key FROM report_values WHERE report_id = ?", [report_id])
    }
    assert {k.split(".")[0] for k in keys} == template_keys
    assert query(
        db,
        "SELECT value FROM report_values WHERE report_id = ? AND key = 't2.reg.made'",
        [report_id],
    ) == query(
        db,
        "SELECT v.value FROM reports r JOIN report_values v USING (report_id)"
        " WHERE r.source_path = ? AND v.key = 't2.reg.made'",
        [str(SHUYANG)],
    )  # 表二 as in the full report
    found = _findings(db, report_id)
    assert found["report.truncated"] == [
        (
            f"文件在{where}中断，之后没有{missing}：可能是下载不完整或文件被截断。"
            "缺少的部分不计为单位的问题；请取得完整文件后重新载入",
            "reader",
        )
    ]
    for rule in ("t4.missing", "section.missing", "t3.missing", "t3.missing_row"):
        assert all(resp == "reader" for _, resp in found.get(rule, [])), (rule, found[rule])
    assert "t4.missing" in found


# ------------------------------------------------------------------ links and folders


def test_links_that_loop_or_point_nowhere_are_one_line_each_and_the_rest_loads(
    baseline_db, tmp_path
):
    db = copy_db(baseline_db, tmp_path / "db")
    before = real_rows(db)
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "report.md").write_text(shuyang_text(2019), encoding="utf-8")
    (folder / "self.md").symlink_to("self.md")
    (folder / "a.md").symlink_to("b.md")
    (folder / "b.md").symlink_to("a.md")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "sub" / "up").symlink_to("..")  # a link to a parent folder: not followed
    result = gongkai("load", folder, "--db", db)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[0].endswith("loaded 1, unchanged 0, not a report 0, failed 4")
    loop = "is a symbolic link that loops (it leads back to itself)"
    hint = "remove the link or point it at the report file; the other files were loaded"
    assert sorted(result.stderr.splitlines()) == sorted(
        [
            f"  failed: {folder / 'a.md'}: {loop}. {hint}",
            f"  failed: {folder / 'b.md'}: {loop}. {hint}",
            f"  failed: {folder / 'self.md'}: {loop}. {hint}",
            f"  failed: {folder / 'dangling.txt'}: is a symbolic link to a file that does not exist. {hint}",
        ]
    )
    assert query(db, "SELECT DISTINCT code FROM load_errors") == [("bad_link",)]
    assert query(
        db, "SELECT year FROM reports WHERE source_path = ?", [str(folder / "report.md")]
    ) == [(2019,)]
    assert real_rows(db) == before


def test_a_folder_that_cannot_be_listed_is_one_line_and_the_rest_loads(
    baseline_db, tmp_path, monkeypatch
):
    db = copy_db(baseline_db, tmp_path / "db")
    folder = tmp_path / "in"
    locked = folder / "locked"
    locked.mkdir(parents=True)
    (locked / "inside.md").write_text(shuyang_text(2020), encoding="utf-8")
    (folder / "report.md").write_text(shuyang_text(2021), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # chmod 000 does not stop root, who runs the tests: refuse here
        if isinstance(path, (str, os.PathLike)) and os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = run_load([folder], db, workers=1)
    assert summary.loaded == [str(folder / "report.md")]
    assert summary.failed == [
        (
            str(locked),
            f"{locked}: cannot list this folder (Permission denied). check the folder's "
            "permissions; the other files were loaded",
        )
    ]
    assert query(db, "SELECT code FROM load_errors WHERE path = ?", [str(locked)]) == [
        ("unreadable",)
    ]
