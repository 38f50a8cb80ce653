"""The CLI's top-level handler: each kind of failure ends in its one line and exit code, never a
traceback; the traceback goes to the log file that line names.

Inputs are the real seeds and the real default scheme, mutated here (GBK bytes, 100,000-deep
nesting, a text file as --db); disk full is a real tiny tmpfs where this machine allows one
(root + unshare) and an OSError(ENOSPC)/DuckDB IOException raised inside the load otherwise.
"""

from __future__ import annotations

import errno
import io
import shutil
import subprocess
import sys

import duckdb
import pytest
from click.testing import CliRunner

import etl.fonts
import etl.load_runs
from etl.pipeline import run_load
from gongkai import failures
from gongkai.cli import cli
from gongkai.progress import LoadProgress
from tests.conftest import ROOT, SEEDS

SCHEME = ROOT / "data" / "schemes" / "default.toml"
NOT_A_DB = (
    "not a DuckDB database file (gongkai's database is the file `gongkai build`/"
    "`gongkai load` writes). Pass --db with that file, or a new file name to start a "
    "new database"
)


@pytest.fixture()
def logs(tmp_path, monkeypatch):
    folder = tmp_path / "logs"
    monkeypatch.setenv("GONGKAI_LOG_DIR", str(folder))
    monkeypatch.delenv("GONGKAI_DEBUG", raising=False)
    return folder


def run(*args) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stderr.splitlines(), result.stdout


def the_log(folder) -> str:
    [log] = folder.glob("gongkai-*.log")
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    return str(log)


@pytest.fixture()
def loaded_db(tmp_path, logs):
    db = tmp_path / "g.duckdb"
    code, err, _ = run("load", SEEDS, "--db", db)
    assert code == 0, err
    return db


# ------------------------------------------------------------------ disk full


@pytest.mark.parametrize(
    "make",
    [
        lambda building: OSError(errno.ENOSPC, "No space left on device", str(building)),
        lambda building: duckdb.IOException(
            f'Could not write file "{building}": No space left on device'
        ),
    ],
    ids=["oserror", "duckdb"],
)
def test_disk_full_names_the_database_and_keeps_the_old_one(
    loaded_db, logs, tmp_path, monkeypatch, make
):
    before = loaded_db.read_bytes()
    building = loaded_db.with_name(loaded_db.name + ".building")

    def full(*_a, **_k):
        raise make(building)

    monkeypatch.setattr(etl.load_runs, "finish_run", full)
    extra = tmp_path / "more"
    shutil.copytree(SEEDS, extra)
    (extra / "000_f86b4e0c857e9ae7.txt").write_text("新的内容", encoding="utf-8")
    code, err, _ = run("load", extra, "--db", loaded_db)
    folder = loaded_db.parent
    assert code == 3
    assert err == [
        f"Error: {loaded_db}: the disk is full (no space left on device). Free some "
        f"space on the disk holding {folder} (see `df -h {folder}`) and run the command "
        f"again; a database is only replaced when a load finishes "
        f"[traceback: {the_log(logs)}]"
    ]
    assert loaded_db.read_bytes() == before and not building.exists()


def _tmpfs_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _tmpfs_works(), reason="needs root and unshare for a private tmpfs")
@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_a_real_tiny_or_read_only_disk(tmp_path, kind):
    disk, logs = tmp_path / "disk", tmp_path / "logs"
    disk.mkdir()
    db = disk / "g.duckdb"
    mount = f"mount -t tmpfs -o size=400k tmpfs {disk}"
    if kind == "read-only":
        mount += f" && mount -o remount,ro {disk}"
    script = f"{mount} && GONGKAI_LOG_DIR={logs} {sys.executable} -m gongkai load {SEEDS} --db {db}"
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3, done.stderr
    if kind == "full":
        what = (
            f"the disk is full (no space left on device). Free some space on the disk holding "
            f"{disk} (see `df -h {disk}`) and run the command again; a database is only "
            "replaced when a load finishes"
        )
    else:
        what = (
            "the disk is read-only here. Choose a path on a writable disk (e.g. --db in your "
            "home folder)"
        )
    assert done.stderr.splitlines() == [f"Error: {db}: {what} [traceback: {the_log(logs)}]"]


# ------------------------------------------------------------------ --db that is not DuckDB


@pytest.mark.parametrize(
    "command",
    [
        ["load", SEEDS],
        ["score", "--year", "2024"],
        ["serve", "--port", "1"],
        ["export", "--year", "2024", "--out", "x.csv"],
    ],
    ids=lambda c: c[0],
)
def test_db_that_is_not_duckdb_is_named_and_left_alone(tmp_path, logs, command):
    db = tmp_path / "notes.duckdb"
    db.write_text("会议纪要，不是数据库\n", encoding="utf-8")
    code, err, _ = run(*command, "--db", db)
    assert code == 2
    assert err == [f"Error: {db}: {NOT_A_DB}"]
    assert db.read_text(encoding="utf-8") == "会议纪要，不是数据库\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.duckdb"]  # no .building copy


def test_duckdb_refusal_of_the_loaders_copy_names_the_users_file():
    exc = duckdb.IOException(
        'IO Error: The file "/srv/g.duckdb.building" exists, but it is not '
        "a valid DuckDB database file!"
    )
    assert failures.explain(exc) == (f"/srv/g.duckdb: {NOT_A_DB}", 2)


def test_database_held_by_another_program(tmp_path):
    db = tmp_path / "g.duckdb"
    hold = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
        "sys.stdin.read()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        with pytest.raises(duckdb.Error) as info:
            duckdb.connect(str(db), read_only=True)
        line, code = failures.explain(info.value)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert code == 3
    assert line.startswith(f"{db}: another program has this database open (")
    assert line.endswith(
        f", PID {holder.pid}). Close it or wait for it to finish, then run the command again"
    )


# ------------------------------------------------------------------ unreadable schemes


def test_gbk_scheme_names_file_and_line(tmp_path, logs):
    text = SCHEME.read_text(encoding="utf-8")
    gbk = tmp_path / "方案.toml"
    gbk.write_bytes(text.encode("gbk", errors="replace"))
    line = next(i for i, s in enumerate(text.splitlines(), 1) if not s.isascii())
    code, err, _ = run("score", "--year", "2024", "--scheme", gbk)
    assert code == 1
    assert err == [
        f"Error: {gbk}:{line}: 文件不是 UTF-8 文本（可能存成了 GBK 等编码）. "
        "请在编辑器中另存为 UTF-8 编码"
    ]


def test_scheme_nested_100000_deep(tmp_path, logs):
    deep = tmp_path / "deep.toml"
    deep.write_text(
        SCHEME.read_text(encoding="utf-8") + "\nextra = " + "[" * 100_000 + "]" * 100_000 + "\n",
        encoding="utf-8",
    )
    code, err, _ = run("score", "--year", "2024", "--scheme", deep)
    assert code == 1
    assert err == [
        f"Error: {deep}: 文件中的数组或表嵌套过深（几百层），无法读取. "
        "设置文件最多只需几层嵌套，请对照 data/ 中的原文件改正"
    ]


# ------------------------------------------------------------------ environment


def test_missing_font_stops_build_before_writing(tmp_path, logs, monkeypatch):
    monkeypatch.setattr(etl.fonts, "FONT_DIRS", (tmp_path / "fonts",))
    monkeypatch.delenv("GONGKAI_CJK_FONT", raising=False)
    data = tmp_path / "data"
    data.mkdir()
    code, err, _ = run("build", "--data", data, "--db", tmp_path / "g.duckdb")
    assert code == 3
    assert err == [
        f"Error: no Chinese (CJK) font for the PDFs: looked for Noto Sans CJK in "
        f"{tmp_path / 'fonts'}; install the Debian package fonts-noto-cjk (sudo apt-get "
        "install -y fonts-noto-cjk), or set GONGKAI_CJK_FONT to a .ttf/.otf/.ttc file "
        f"with Chinese glyphs [traceback: {the_log(logs)}]"
    ]
    assert list(data.iterdir()) == []  # no half-written demo corpus


def test_font_override_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_CJK_FONT", str(tmp_path / "no.ttf"))
    with pytest.raises(etl.fonts.MissingFontError) as info:
        etl.fonts.cjk_fonts()
    assert str(info.value) == (
        f"GONGKAI_CJK_FONT={tmp_path / 'no.ttf'}: no such font file; set "
        "it to a .ttf/.otf/.ttc file with Chinese glyphs, or unset it"
    )


def test_missing_system_program_names_its_debian_package(loaded_db, logs, tmp_path, monkeypatch):
    def render(*_a, **_k):  # a step that shells out, on a machine without poppler-utils
        subprocess.run(["pdftoppm", "-v"], env={"PATH": str(tmp_path)}, capture_output=True)

    monkeypatch.setattr(etl.load_runs, "finish_run", render)
    code, err, _ = run("load", SEEDS, "--db", loaded_db)
    assert code == 3
    assert err == [
        "Error: pdftoppm: this system program is needed and is not installed. Install "
        "it with: sudo apt-get install -y poppler-utils (or run scripts/setup as root) "
        f"[traceback: {the_log(logs)}]"
    ]


def test_a_bug_is_one_line_and_debug_shows_the_traceback(loaded_db, logs, monkeypatch):
    monkeypatch.setattr(etl.load_runs, "finish_run", lambda *a, **k: 1 / 0)
    code, err, _ = run("load", SEEDS, "--db", loaded_db)
    assert code == 4
    assert err == [
        "Error: unexpected internal error (ZeroDivisionError: division by zero). This "
        "is a bug in gongkai: please report it with the log file named here "
        f"[traceback: {the_log(logs)}]"
    ]
    code, err, _ = run("--debug", "load", SEEDS, "--db", loaded_db)
    assert code == 4 and err[0] == "Traceback (most recent call last):"
    assert err[-1].startswith("Error: unexpected internal error (ZeroDivisionError")


# ------------------------------------------------------------------ progress


def test_progress_bar_counts_files_and_failures(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n")  # cut short: fails to load
    n = len([p for p in folder.iterdir() if not p.name.endswith(".truth.json")])
    screen = io.StringIO()
    progress = LoadProgress(stream=screen, enabled=True)
    summary = run_load([folder], tmp_path / "g.duckdb", progress=progress)
    progress.close()
    assert len(summary.failed) == 1
    assert f"loading {n}/{n}" in screen.getvalue() and "failed 1" in screen.getvalue()
    assert not LoadProgress(stream=io.StringIO()).enabled  # not a terminal: no bar
