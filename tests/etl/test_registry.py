"""The agency registry: data/registry.csv resolves every shared report's agency, carefully.

Real names: the agency each shared truth file names, the names the detector reads from the
files (上海市科委, 平潭综合实验区人民政府 for a 管委会), and shuyang's OCR typo 沐阳县人民政府.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.agency_match import guess_kind, resolve_agency
from etl.errors import ReportError
from etl.parse import parse_file
from etl.pipeline import run_load
from etl.registry import load_registry, normalize_name
from etl.settings import Settings
from tests.conftest import REAL, SEEDS, load_truth

REGISTRY = load_registry(Settings().registry_path)
TRUTHS = sorted(SEEDS.glob("*.truth.json")) + sorted(REAL.glob("*.truth.json"))


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name)
def test_every_shared_agency_resolves_to_one_registry_entry(truth_path):
    name = load_truth(truth_path)["agency"]
    r = resolve_agency(name, REGISTRY)
    assert r.method in ("exact", "alias") and r.finding is None, name
    assert r.agency.confirmed and REGISTRY.get(r.agency_id) is r.agency


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name)
def test_the_name_each_file_yields_resolves_to_its_truth_agency(truth_path):
    truth = load_truth(truth_path)
    report = parse_file(truth_path.with_name(truth["file"]))
    assert (
        resolve_agency(report.agency, REGISTRY).agency_id
        == resolve_agency(truth["agency"], REGISTRY).agency_id
    )


def test_ocr_typo_resolves_fuzzily_with_a_finding_and_no_new_agency(tmp_path):
    r = resolve_agency("沐阳县人民政府", REGISTRY)
    assert (r.agency_id, r.method) == ("321322-GOV", "fuzzy")
    assert 80 < r.score < 100
    assert r.finding.rule == "agency.fuzzy_match" and r.finding.severity == "warning"
    assert "沐阳县人民政府" in r.finding.message and "沭阳县人民政府" in r.finding.message
    db = tmp_path / "g.duckdb"
    run_load([REAL / "shuyang_2025.md"], db)
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM agencies WHERE NOT confirmed").fetchone() == (0,)
        assert con.execute("SELECT agency_id, agency_printed FROM reports").fetchall() == [
            ("321322-GOV", "沐阳县人民政府")
        ]


def test_unknown_name_becomes_an_unconfirmed_agency_with_a_finding(tmp_path):
    r = resolve_agency("示例市交通运输局", REGISTRY)
    assert r.method == "unknown" and r.agency_id.startswith("U-")
    assert not r.agency.confirmed and r.agency.kind == "department"
    assert r.finding.rule == "agency.unknown" and "示例市交通运输局" in r.finding.message
    assert resolve_agency(" 示例市交通运输局 ", REGISTRY).agency_id == r.agency_id  # stable


@pytest.mark.parametrize(
    "name",
    [
        "泗阳县人民政府",  # a real neighbour of 沭阳: one character off, but the same kind; still fuzzy
    ],
)
def test_fuzzy_match_always_says_so(name):
    r = resolve_agency(name, REGISTRY)
    assert r.method in ("fuzzy", "unknown") and r.finding is not None


@pytest.mark.parametrize(
    "name",
    [
        "石家庄市交通运输厅",  # different ending: another agency, never merged
        "沭阳县",  # too short for fuzzy matching (but a government's bare name: alias)
        "柳州市交通局",  # two characters off
        "阳县人民政府",  # a dropped character: as likely another place (泗县 / 泗洪县)
    ],
)
def test_names_that_must_not_be_fuzzy_matched(name):
    assert resolve_agency(name, REGISTRY).method != "fuzzy"


def test_ambiguous_fuzzy_match_is_unknown(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text(
        "code,name,aliases,level,kind,parent_region,peer_group\n"
        "A,未阳县人民政府,,县,government,示例市,县级政府\n"
        "B,朱阳县人民政府,,县,government,示例市,县级政府\n",
        encoding="utf-8",
    )
    # 末 looks like both 未 and 朱: two candidates in the same shape, never a guess
    assert resolve_agency("末阳县人民政府", load_registry(reg)).method == "unknown"


@pytest.mark.parametrize(
    "printed, code",
    [
        ("沭陽縣人民政府", "321322-GOV"),  # Traditional characters
        ("上海市科委", "310000-KW"),  # alias
        ("平潭综合实验区（管委会办公室编，全区汇总）", "350128-GOV"),  # bracketed remark
        ("平潭综合实验区人民政府", "350128-GOV"),  # a government under another ending
        ("洪泽区人民政府", "320813-GOV"),
        ("湖南省 交通运输厅", "430000-JTT"),  # stray space
    ],
)
def test_normalised_names_resolve_without_fuzz(printed, code):
    r = resolve_agency(printed, REGISTRY)
    assert (r.agency_id, r.finding) == (code, None)


def test_normalize_name():
    assert normalize_name(" 沭陽縣人民政府（辦公室） ") == "沭阳县人民政府"
    assert normalize_name("【沭阳县人民政府】") == "沭阳县人民政府"
    assert normalize_name("上海市科学技术委员会(上海市外国专家局)") == "上海市科学技术委员会"


def test_guess_kind():
    assert guess_kind("示例县人民政府") == "government"
    assert guess_kind("示例综合实验区管委会") == "government"
    assert guess_kind("示例市财政局") == "department"


def test_registry_file_is_checked(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("code,name\nA,甲\n", encoding="utf-8")
    with pytest.raises(ReportError, match="lacks the column"):
        load_registry(bad)
    bad.write_text(
        "code,name,aliases,level,kind,parent_region,peer_group\n"
        "A,甲县人民政府,,县,government,,\nA,乙县人民政府,,县,government,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReportError) as exc:
        load_registry(bad)
    assert exc.value.message == f"{bad}:3: code A appears twice. codes must be unique"
    bad.write_text(
        "code,name,aliases,level,kind,parent_region,peer_group\nA,甲镇人民政府,,镇,government,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReportError, match="level '镇' is not one of 省/市/县"):
        load_registry(bad)


def test_registry_rows_reach_the_agencies_table(tmp_path):
    import duckdb

    db = tmp_path / "g.duckdb"
    run_load([], db)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT agency_id, name, level, kind, peer_group, confirmed "
            "FROM agencies ORDER BY agency_id"
        ).fetchall()
    assert len(rows) == len(REGISTRY.agencies)
    assert ("321322-GOV", "沭阳县人民政府", "县", "government", "县级政府", True) in rows
    assert Path(Settings().registry_path).name == "registry.csv"


def test_ambiguous_unknown_names_its_candidates(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text(
        "code,name,aliases,level,kind,parent_region,peer_group\n"
        "A,未桥县人民政府,,县,government,澜汀市,县级政府\n"
        "B,朱桥县人民政府,,县,government,雁澄市,县级政府\n"
        "C,栎桥县人民政府,,县,government,雁澄市,县级政府\n",
        encoding="utf-8",
    )
    r = resolve_agency("末桥县人民政府", load_registry(reg))
    assert r.method == "unknown"
    assert "它与“未桥县人民政府”、“朱桥县人民政府”都只差一个字" in r.finding.message
    assert "“栎桥县人民政府”只差一个字，但地名不同" in r.finding.message


@pytest.mark.parametrize(
    "printed, other",
    [
        ("淮安市人民政府", "迁安市人民政府"),  # a city in another province, one character off
        ("泗阳县人民政府", "沭阳县人民政府"),  # a neighbouring county: another place
        ("淮安市洪泽县人民政府", "淮安市洪泽区人民政府"),  # 县 for 区: another level
        ("洪泽县人民政府", "洪泽区人民政府"),
    ],
)
def test_a_one_character_match_in_another_place_or_level_stays_unconfirmed(printed, other):
    r = resolve_agency(printed, REGISTRY)
    assert r.method == "unknown" and r.agency_id.startswith("U-") and not r.agency.confirmed
    assert r.finding.rule == "agency.unknown" and r.finding.responsibility == "registry"
    assert printed in r.finding.message and other in r.finding.message
    assert "不是同一单位" in r.finding.message


def test_a_place_misread_as_a_look_alike_character_is_still_the_same_agency():
    # shuyang_2025.md: OCR reads 沭 as 沐 throughout; the two glyphs differ by one stroke
    assert resolve_agency("沐阳县人民政府", REGISTRY).agency_id == "321322-GOV"
    assert resolve_agency("上海市科学技术委员佘", REGISTRY).method == "unknown"  # ending differs
    r = resolve_agency("上海市科学技木委员会", REGISTRY)  # 术 → 木 inside the agency words
    assert (r.agency_id, r.method) == ("310000-KW", "fuzzy")


def test_printed_level():
    from etl.agency_places import printed_level

    assert printed_level("淮安市洪泽区人民政府") == "县"
    assert printed_level("湖南省交通运输厅") == "省"
    assert printed_level("唐山市迁安市人民政府") == "县"
    assert printed_level("迁安市人民政府") is None  # a bare 市 may be any level
    assert printed_level("上海市科学技术委员会") is None


def test_huaian_report_is_not_loaded_as_qianan(tmp_path):
    """A real report's text with its agency changed to 淮安市人民政府 loads as unconfirmed."""
    text = (SEEDS / "001_2d97050b8c74e947.txt").read_text(encoding="utf-8")
    assert "迁安市人民政府" in text
    doc = tmp_path / "huaian.txt"
    doc.write_text(text.replace("迁安市", "淮安市").replace("迁安", "淮安"), encoding="utf-8")
    report = parse_file(doc)
    assert report.agency and "淮安" in report.agency
    assert resolve_agency(report.agency, REGISTRY).agency_id != "130283-GOV"


def test_a_load_without_a_registry_reads_gongkai_registry(tmp_path, monkeypatch):
    import duckdb

    own = tmp_path / "own.csv"
    own.write_text(
        "code,name,aliases,level,kind,parent_region,peer_group\n"
        "X-GOV,某某县人民政府,,县,government,某某市,县级政府\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GONGKAI_REGISTRY", str(own))
    db = tmp_path / "g.duckdb"
    run_load([], db)  # no registry_path: the environment's, not data/registry.csv
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT agency_id, name FROM agencies").fetchall()
    assert rows == [("X-GOV", "某某县人民政府")]
