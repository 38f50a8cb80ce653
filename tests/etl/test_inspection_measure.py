"""`gongkai accuracy` on inspectors' write-ups (*.problems.json): recall, precision, blame errors,
findings on clean reports, cross-year problems set apart (etl/inspection.py)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from etl import inspection
from etl.inspection import clean_claims, places_match, report_path, score_problems, tallies
from gongkai.cli import cli
from tests.conftest import REAL

SHUYANG = (REAL / "shuyang_2025.md").read_text(encoding="utf-8")
GRANTED_ROW = "| 予以公开 | 290 | 1 | 0 | 0 | 3 | 0 | 294 |"


def _write(tmp_path, text: str, **truth) -> None:
    (tmp_path / "report.md").write_text(text, encoding="utf-8")
    truth = {"file": "report.md", "problems": [], "clean_aspects": [], **truth}
    (tmp_path / "report.md.problems.json").write_text(
        json.dumps(truth, ensure_ascii=False), encoding="utf-8"
    )


def _problem(pid: str, category: str, place: str) -> dict:
    return {"id": pid, "category": category, "place": place, "where": "", "evidence": "",
            "severity": "error", "checkable_from_report": True}  # fmt: skip


def test_places_match_the_same_place_the_whole_document_and_table_with_its_section():
    assert places_match("T3", "T3") and places_match("DOC", "S5") and places_match("S2", "DOC")
    assert places_match("T3", "S3") and places_match("LEG.review", "S.review")
    assert not places_match("T3", "T4") and not places_match("S1", "T3")
    assert not places_match("LEG.requests", "LEG.answers")


def test_clean_aspects_name_what_they_vouch_for():
    assert clean_claims("表三 consistent: 50+9+3+32+1+0 = 95") == [("table_identity", "T3")]
    assert clean_claims("[text_table_mismatch T3][table_identity T3] 表三 与正文一致") == [
        ("text_table_mismatch", "T3"),
        ("table_identity", "T3"),
    ]
    assert clean_claims({"category": "late_publication", "what": "on time"}) == [
        ("late_publication", "DOC")
    ]
    assert clean_claims("a remark that names nothing checked") == []


def test_a_write_up_in_the_repo_finds_its_report_under_a_shared_root(tmp_path):
    found = report_path(tmp_path / "x.problems.json", "real-reports/shuyang_2025.md")
    assert found is not None and found.read_text(encoding="utf-8") == SHUYANG


def test_a_planted_identity_break_is_found_and_nothing_else_is_said(tmp_path):
    _write(
        tmp_path,
        SHUYANG.replace(GRANTED_ROW, GRANTED_ROW.replace("294", "295")),
        problems=[_problem("P1", "table_identity", "T3")],
    )
    score = score_problems(tmp_path / "report.md.problems.json")
    assert [p["id"] for p in score.found] == ["P1"] and score.missed == []
    assert score.findings and score.false_findings == []
    total = tallies([score])["total"]
    assert (total.found, total.checkable, total.blame_errors) == (1, 1, 0)
    assert total.true == total.blaming == len(score.findings)


def test_a_clean_write_up_of_the_clean_report_meets_the_targets(tmp_path):
    _write(tmp_path, SHUYANG, clean_aspects=["表三 consistent"])
    scores = inspection.run([tmp_path])
    assert scores[0].clean and scores[0].findings == []
    assert inspection.meets_targets(scores)


def test_a_finding_where_the_inspector_saw_a_reading_difficulty_is_a_blame_error(tmp_path):
    _write(
        tmp_path,
        SHUYANG.replace(GRANTED_ROW, GRANTED_ROW.replace("294", "295")),
        reading_difficulties=[{"place": "T3", "what": "a cell the scan made unreadable"}],
    )
    score = score_problems(tmp_path / "report.md.problems.json")
    assert score.blame_errors and all("T3" in why for _, why in score.blame_errors)
    result = CliRunner().invoke(cli, ["accuracy", "-v", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "BLAME ERROR (reading difficulty at T3) t3." in result.output
    lines = result.output.strip().splitlines()
    n = len(score.findings)
    assert lines[-1].startswith(f"overall inspection: recall -  precision 0/{n} (0%)  ")
    assert f"blame errors {n}  findings on clean reports {n} (1 clean)" in lines[-1]


def test_a_cross_year_problem_counts_as_needing_two_years_not_as_a_miss(tmp_path):
    _write(tmp_path, SHUYANG, problems=[_problem("P1", "copied", "DOC:copy:own")])
    score = score_problems(tmp_path / "report.md.problems.json")
    assert score.missed == [] and [p["id"] for p in score.two_reports] == ["P1"]
    result = CliRunner().invoke(cli, ["accuracy", str(tmp_path)])
    assert "needs two years 1" in result.output
    assert result.exit_code == 0, result.output
