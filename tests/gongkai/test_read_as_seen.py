"""What a reader sees is what is scored (issue 23): hidden page content, odd characters in cells,
Excel formulas without results.

Every case is a mutation of the real shuyang_2025.md (a std2021 report), loaded with the real
`gongkai load` next to the four real reports loaded earlier, whose rows must stay untouched.
Each mutated copy gets a year of its own (shuyang_text), so it is its own report.

Hidden content: the page carries a second 表三 (every figure +7, so 本年新收 reads 712 instead of
705) right after the real one, hidden in one way per page. Stored figures must equal the plain
page's. Two control pages hide it only for print or re-show it with CSS: there the second
table is visible, and it is read (712), which shows the hidden cases would fail if hiding were
ignored.
"""

from __future__ import annotations

import re

import pytest

import etl.parse
from etl.fields import t3_key
from tests.gongkai.conftest import (
    GOOD,
    copy_db,
    gongkai,
    md_to_html,
    query,
    shuyang_text,
    shuyang_workbook,
)

# slow: the real `gongkai` CLI end to end (subprocesses, whole loads of real reports, or a
# database loaded from them)
pytestmark = pytest.mark.slow

T3_ANCHOR = "<p>四、政府信息公开行政复议、行政诉讼情况</p>"  # the decoy goes just before 表四
NEW = t3_key("new", "natural")
GRANTED = t3_key("granted", "natural")

# name -> (opening markup, closing markup, <style> put into <head>)
HIDDEN = {
    "hidden_attribute": ("<div hidden>", "</div>", ""),
    "inline_display_none": ('<div style="color:#333; display : none">', "</div>", ""),
    "inline_visibility_hidden": ('<section style="visibility:hidden">', "</section>", ""),
    "class_rule": ('<div class="old-data">', "</div>", "<style>p{margin:0}\n.old-data{display:none}</style>"),
    "id_rule_important": ('<div id="t3old">', "</div>", "<style>/*x*/#t3old{visibility:hidden!important}</style>"),
    "tag_class_rule": ('<article class="a b">', "</article>", "<style>article.b { display: none }</style>"),
    "descendant_rule": ('<div class="wrap"><div>', "</div></div>", "<style>.wrap > div{display:none}</style>"),
    "media_screen_rule": ('<div class="m">', "</div>", "<style>@media screen { .m {display:none} }</style>"),
    "aria_hidden": ('<div aria-hidden="true">', "</div>", ""),
    "template": ("<template>", "</template>", ""),
    "noscript": ("<noscript>", "</noscript>", ""),
}  # fmt: skip
VISIBLE = {
    "print_only_rule": ('<div class="x">', "</div>", '<style media="print">.x{display:none}</style>'),
    "hidden_reshown_by_css": ('<div hidden class="s">', "</div>", "<style>.s{display:block}</style>"),
}  # fmt: skip
# inserted into the natural-person cell of 予以公开 (290) or into its label
SEPARATORS = {
    "u2028": "\u2028",
    "u2029": "\u2029",
    "vtab": "\v",
    "formfeed": "\f",
    "nel": "\x85",
    "lone_cr": "\r",
    "file_sep": "\x1c",
}
GRANTED_ROW = "| 予以公开 | 290 |"


def _decoy_table() -> str:
    """表三 of the same report with every figure +7, as page markup."""
    lines = shuyang_text(2020).splitlines()
    start = next(i for i, s in enumerate(lines) if s.startswith("## 三、"))
    end = next(i for i, s in enumerate(lines) if s.startswith("## 四、"))
    bumped = "\n".join(
        re.sub(r"(?<=\| )(\d+)(?= \|)", lambda m: str(int(m.group()) + 7), s)
        for s in lines[start:end]
    )
    return md_to_html(bumped).split("<body>", 1)[1].rsplit("</body>", 1)[0]


def hiding_page(year: int, opening: str, closing: str, style: str, depth: int = 0) -> str:
    page = md_to_html(shuyang_text(year))
    assert T3_ANCHOR in page
    page = page.replace(T3_ANCHOR, opening + _decoy_table() + closing + "\n" + T3_ANCHOR, 1)
    page = page.replace("</head>", style + "</head>", 1)
    if depth:  # the page inside `depth` layout tables: read by the event reader (html_flat)
        head, body = page.split("<body>", 1)
        body = body.rsplit("</body>", 1)[0]
        page = f"{head}<body>{'<table><tr><td>' * depth}{body}{'</td></tr></table>' * depth}</body></html>"
    return page


def figures(name: str, data: bytes) -> dict[str, float]:
    return {k: v.value for k, v in etl.parse.parse_file(name, data).values.items()}


@pytest.fixture(scope="module")
def plain() -> dict[str, float]:
    """The figures of the plain page (years change no figure)."""
    got = figures("plain.html", md_to_html(shuyang_text(2020)).encode("utf-8"))
    assert got[NEW] == 705 and got[GRANTED] == 290 and len(got) == 200
    return got


class Loaded:
    def __init__(self, db, folder, result, before):
        self.db, self.folder, self.result, self.before = db, folder, result, before

    def report_id(self, name: str) -> int:
        [(rid,)] = query(
            self.db,
            "SELECT report_id FROM reports WHERE source_path = ?",
            [str(self.folder / name)],
        )
        return rid

    def values(self, name: str) -> dict[str, float]:
        rows = query(
            self.db,
            "SELECT key, value FROM report_values WHERE report_id = ?",
            [self.report_id(name)],
        )
        return dict(rows)

    def findings(self, name: str) -> list[tuple]:
        return query(
            self.db,
            "SELECT rule, cells, message, responsibility FROM findings WHERE report_id = ?"
            " ORDER BY rule, cells",
            [self.report_id(name)],
        )


def baseline_rows(db) -> list[tuple]:
    return query(
        db,
        "SELECT r.agency_id, r.year, v.key, v.value FROM reports r JOIN report_values v"
        " USING (report_id) WHERE r.source_path LIKE '%real-reports%' ORDER BY ALL",
    )


def load_folder(baseline_db, root, files: dict[str, bytes]) -> Loaded:
    db = copy_db(baseline_db, root / "db")
    before = baseline_rows(db)
    assert len(before) > 500 and len({r[:2] for r in before}) == len(GOOD)
    folder = root / "in"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return Loaded(db, folder, gongkai("load", folder, "--db", db), before)


# ------------------------------------------------------------------ hidden page content


@pytest.fixture(scope="module")
def hidden_load(baseline_db, tmp_path_factory) -> Loaded:
    files, year = {}, 2008
    for name, parts in {**HIDDEN, **VISIBLE}.items():
        files[f"{name}.html"] = hiding_page(year, *parts).encode("utf-8")
        year += 1
    for name in ("class_rule", "hidden_attribute"):  # nested past html.MAX_TABLE_DEPTH
        files[f"deep_{name}.html"] = hiding_page(year, *HIDDEN[name], depth=150).encode("utf-8")
        year += 1
    return load_folder(baseline_db, tmp_path_factory.mktemp("hidden"), files)


def test_the_hidden_pages_load_and_earlier_rows_stay(hidden_load):
    out = hidden_load.result
    assert out.returncode == 0 and "Traceback" not in out.stdout + out.stderr, out.stderr
    assert out.stdout.splitlines()[0].endswith("loaded 15, unchanged 0, not a report 0, failed 0")
    assert baseline_rows(hidden_load.db) == hidden_load.before


@pytest.mark.parametrize("name", [*HIDDEN, "deep_class_rule", "deep_hidden_attribute"])
def test_hidden_figures_are_never_stored(hidden_load, plain, name):
    stored = hidden_load.values(f"{name}.html")
    assert stored[NEW] == 705 and stored[t3_key("new", "total")] == 713
    assert stored == plain


@pytest.mark.parametrize("name", VISIBLE)
def test_a_table_shown_to_the_reader_is_read(hidden_load, name):
    stored = hidden_load.values(f"{name}.html")
    assert stored[NEW] == 712  # the second table is on screen: the page's last 表三 is read


# ------------------------------------------------------------------ characters inside cells


def cell_files() -> dict[str, bytes]:
    text = shuyang_text(2000)  # replaced below, one year per file
    assert GRANTED_ROW in text
    files, year = {}, 2008
    mutations = {f"sep_{n}": f"| 予以公开 | 290{c} |" for n, c in SEPARATORS.items()}
    mutations |= {f"label_{n}": f"| 予以{c}公开 | 290 |" for n, c in list(SEPARATORS.items())[:3]}
    mutations |= {
        "nul": "| 予以公开 | 2\x0090 |",
        "bell": "| 予以公开 | 29\x070 |",
        "rtl_override": "| 予以公开 | \u202e290 |",
        "zero_width_space": "| 予以公开 | 2\u200b90 |",
    }
    for name, row in mutations.items():
        files[f"{name}.md"] = shuyang_text(year).replace(GRANTED_ROW, row).encode("utf-8")
        year += 1
    files["formula.xlsx"] = shuyang_workbook(year, "予以公开")[0]
    return files


@pytest.fixture(scope="module")
def cells_load(baseline_db, tmp_path_factory) -> Loaded:
    return load_folder(baseline_db, tmp_path_factory.mktemp("cells"), cell_files())


def test_the_cell_mutations_load_and_earlier_rows_stay(cells_load):
    out = cells_load.result
    assert out.returncode == 0 and "Traceback" not in out.stdout + out.stderr, out.stderr
    assert out.stdout.splitlines()[0].endswith("loaded 15, unchanged 0, not a report 0, failed 0")
    assert baseline_rows(cells_load.db) == cells_load.before


@pytest.mark.parametrize(
    "name", [f"sep_{n}" for n in SEPARATORS] + ["label_u2028", "label_u2029", "label_vtab"]
)
def test_a_line_separator_in_a_cell_is_white_space_not_a_row_break(cells_load, plain, name):
    stored = cells_load.values(f"{name}.md")
    assert stored[GRANTED] == 290 and stored[t3_key("granted", "total")] == 294
    assert stored == plain
    assert not [f for f in cells_load.findings(f"{name}.md") if f[0] == "number.malformed"]


@pytest.mark.parametrize(
    "name,shown,code",
    [("nul", "2<U+0000>90", "0000"), ("bell", "29<U+0007>0", "0007"), ("rtl_override", "<U+202E>290", "202E")],
)  # fmt: skip
def test_a_control_character_in_a_number_is_a_finding_never_another_number(
    cells_load, plain, name, shown, code
):
    stored = cells_load.values(f"{name}.md")
    assert GRANTED not in stored  # no value: never 2, 90, 290 guessed
    assert stored[t3_key("granted", "commercial")] == 1  # the row did not shift
    assert stored == {k: v for k, v in plain.items() if k != GRANTED}
    [(_, cells, message, responsibility)] = [
        f for f in cells_load.findings(f"{name}.md") if f[0] == "number.malformed"
    ]
    assert cells == f'["{GRANTED}"]' and responsibility == "reader"
    assert message == (
        f"'{shown}' has an invisible control character (U+{code}) among its digits, "
        "so what it shows is not certain"
    )


def test_a_zero_width_space_between_digits_reads_as_the_number_shown(cells_load, plain):
    assert cells_load.values("zero_width_space.md") == plain


def test_an_excel_formula_without_a_result_is_named_and_has_no_value(cells_load):
    _, address = shuyang_workbook(2000, "予以公开")
    stored = cells_load.values("formula.xlsx")
    assert GRANTED not in stored and stored[t3_key("granted", "commercial")] == 1
    whole = figures(
        "plain.xlsx", shuyang_workbook(2000)[0]
    )  # the same workbook without the formula
    assert whole[GRANTED] == 290 and stored == {k: v for k, v in whole.items() if k != GRANTED}
    [(cells, message, responsibility)] = [
        f[1:] for f in cells_load.findings("formula.xlsx") if f[0] == "xlsx.formula_uncached"
    ]
    row = address[1:]
    assert cells == f'["{GRANTED}"]' and responsibility == "reader"
    assert message == (
        f"Excel 工作表「Sheet」的 {address} 单元格是公式 =C{row}+D{row}，文件没有保存它的计算结果，"
        "该格未入库（不按 0 计）"
    )
    assert not [f for f in cells_load.findings("formula.xlsx") if f[0] == "number.malformed"]
