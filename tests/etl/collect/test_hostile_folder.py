"""Symbolic links planted in the collected folder: a saved file, an agency's folder, the
collector's own files. None is written (or moved) through; each is one line; the link's
target stays as it was."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from bench.portal import Article, Portal, trs_article, trs_list
from etl.collect.http import Policy
from etl.collect.manifest import read_rows
from etl.collect.run import collect, read_sites
from etl.collect.sites import CollectError
from gongkai.cli import cli

TITLE = "上海市科学技术委员会2024年度政府信息公开工作年度报告"
SECRET = b"root:x:0:0:root:/root:/bin/bash\n"


def fast() -> Policy:
    return Policy(deadline=3.0, retries=0, interval=0.0, allow=("127.0.0.1",))


def portal(p: Portal, pdf: bytes = b"%PDF-1.4 first") -> None:
    art = Article(TITLE, "2025-01-24", "<p>见附件</p>", [("报告全文.pdf", "./P1.pdf")])
    p.put("/nb/a.html", trs_article(art))
    p.put("/nb/P1.pdf", pdf, "application/pdf")
    p.put("/nb/index.html", trs_list([("a.html", TITLE, "2025-01-24")], 0, 1))


def run(p: Portal, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text(f"agency,url\n上海市科委,{p.base}/nb/index.html\n", encoding="utf-8")
    return collect(read_sites(sites), tmp_path / "out", policy=fast()).sites[0]


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "elsewhere" / "passwd"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


def test_a_saved_file_replaced_by_a_link_is_not_written_through(tmp_path, secret):
    with Portal() as p:
        portal(p)
        first = run(p, tmp_path)
        pdf = tmp_path / "out" / "上海市科委" / "2024" / "P1.pdf"
        assert first.new == 2 and pdf.read_bytes() == b"%PDF-1.4 first"
        pdf.unlink()
        pdf.symlink_to(secret)
        portal(p, b"%PDF-1.4 second, changed")
        second = run(p, tmp_path)
    assert secret.read_bytes() == SECRET and pdf.is_symlink()
    assert (second.failed, second.findings) == (1, [])  # not the portal's fault: no finding
    [line] = [ln for ln in second.problems if "符号链接" in ln]
    assert str(pdf) in line and str(secret) in line and "\n" not in line
    assert not list((tmp_path / "out").rglob("*.part"))


def test_an_agency_folder_that_is_a_link_is_not_written_into(tmp_path, secret):
    out = tmp_path / "out"
    out.mkdir()
    (out / "上海市科委").symlink_to(secret.parent, target_is_directory=True)
    with Portal() as p:
        portal(p)
        site = run(p, tmp_path)
    assert sorted(os.listdir(secret.parent)) == ["passwd"] and secret.read_bytes() == SECRET
    # the article page could not be kept, so its attachments were not taken from it
    assert site.reached and site.reports == 1 and site.failed == 1 and site.findings == []
    [line] = site.problems
    assert "符号链接" in line and str(out / "上海市科委") in line
    assert [(r.role, r.file) for r in read_rows(out)] == [("page", "")]  # found, not saved


def test_a_year_folder_link_and_an_old_file_moved_aside_are_refused_too(tmp_path, secret):
    with Portal() as p:
        portal(p)
        run(p, tmp_path)
        year = tmp_path / "out" / "上海市科委" / "2024"
        year.rename(tmp_path / "moved")
        year.symlink_to(secret.parent, target_is_directory=True)
        portal(p, b"%PDF-1.4 second, changed")
        site = run(p, tmp_path)
    assert sorted(os.listdir(secret.parent)) == ["passwd"] and secret.read_bytes() == SECRET
    assert not (tmp_path / "out" / ".superseded").exists() or not any(
        (tmp_path / "out" / ".superseded").rglob("passwd")
    )
    assert site.failed == 1 and len(site.problems) == 1 and "符号链接" in site.problems[0]


@pytest.mark.parametrize("own", ["manifest.csv", "findings.csv", ".state.json", ".pages"])
def test_a_link_at_the_collectors_own_names_stops_before_any_request(tmp_path, secret, own):
    out = tmp_path / "out"
    out.mkdir()
    (out / own).symlink_to(secret if own != ".pages" else secret.parent)
    with Portal() as p:
        portal(p)
        with pytest.raises(CollectError) as err:
            run(p, tmp_path)
        sites = tmp_path / "sites.csv"
        res = CliRunner().invoke(cli, ["collect", "--sites", str(sites), "--out", str(out)])
    assert p.requests == [] and secret.read_bytes() == SECRET
    assert "符号链接" in str(err.value) and "\n" not in str(err.value)
    assert res.exit_code == 2 and "Traceback" not in res.output and "符号链接" in res.output


def test_links_at_the_old_temporary_names_are_left_alone(tmp_path, secret):
    """manifest.csv.tmp and .state.json.tmp were written by fixed names: a link there was
    written through. Temporary files now get fresh names, opened O_EXCL|O_NOFOLLOW."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("manifest.csv.tmp", "findings.csv.tmp", ".state.json.tmp", "P1.pdf.part"):
        (out / name).symlink_to(secret)
    with Portal() as p:
        portal(p)
        site = run(p, tmp_path)
    assert secret.read_bytes() == SECRET and site.new == 2 and site.problems == []
    assert (out / "上海市科委" / "2024" / "P1.pdf").read_bytes() == b"%PDF-1.4 first"
