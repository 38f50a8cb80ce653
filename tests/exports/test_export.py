"""Exports (Excel, CSV, PDF) read back and compared with the query layer, cell by cell.

Inputs: the session demo database (tests/conftest.py: shared seeds and real reports
plus a generated corpus, loaded through the real pipeline) scored under the project's default
scheme data/schemes/default.toml (linear, rank, deduction, manual, bonus and veto indicators).
"""

from __future__ import annotations

import io
import math
import re

import duckdb
import openpyxl
import polars as pl
import pypdfium2
import pytest
from click.testing import CliRunner

import exports as export
import queries
from assess.scheme import load_scheme
from exports import data as export_data
from exports.printed import without_empty_columns
from gongkai.cli import cli
from tests.conftest import ROOT

SCHEME = ROOT / "data" / "schemes" / "default.toml"
FIRST_DATA_ROW = 5  # 1 title, 2 subtitle, 3-4 grouped headers (1-based, as openpyxl counts)


@pytest.fixture(scope="module")
def year(demo_db) -> int:
    """The year with the most reports (the demo corpus ends before the newest real report)."""
    with duckdb.connect(str(demo_db), read_only=True) as c:
        return c.sql(
            "SELECT year FROM current_reports GROUP BY year ORDER BY count(*) DESC, year DESC LIMIT 1"
        ).fetchall()[0][0]


@pytest.fixture(scope="module")
def data(demo_db, year) -> export.AssessmentExport:
    with duckdb.connect(str(demo_db), read_only=True) as c:
        return export_data.gather(c, year=year, scheme=SCHEME, per_agency=True)


@pytest.fixture(scope="module")
def ranking(demo_db, year) -> pl.DataFrame:
    """What the dashboard's ranking page shows for the same selection."""
    with duckdb.connect(str(demo_db), read_only=True) as c:
        return queries.ranking(c, year=year, scheme=SCHEME)


@pytest.fixture(scope="module")
def workbook(data) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export.assessment_workbook(data, per_agency=True)))


@pytest.fixture(scope="module")
def pdf_bytes(data) -> bytes:
    return export.summary_pdf(data)


def _data_rows(ws) -> list[tuple]:
    """The 汇总 rows of units: a rank in the first column (not section headings or the notes)."""
    return [
        r
        for r in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)
        if isinstance(r[0], (int, float))
    ]


def _row_text(ws, row: int):
    """The first valued cell of a row (汇总, printed across pages, starts its title and notes
    after the repeated 排名 | 单位 columns)."""
    return next(
        (v for v in next(ws.iter_rows(min_row=row, max_row=row, values_only=True)) if v), None
    )


def _same(a, b) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a in (None, "") and (b is None or (isinstance(b, float) and math.isnan(b)))
    if isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-14, abs_tol=1e-12)
    return a == b


class TestWorkbook:
    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_sheet_names(self, workbook, ranking):
        assert workbook.sheetnames[:4] == ["汇总", "扣分明细", "数据质量", "方案说明"]
        assert len(workbook.sheetnames) == 4 + ranking.height  # one sheet per agency (flag on)

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_title_row_has_year_and_scheme(self, workbook, year):
        ws = workbook["汇总"]  # printed across pages: the title starts after the unit columns
        title, subtitle = _row_text(ws, 1), _row_text(ws, 2)
        assert str(year) in title and "考核汇总表" in title
        assert "省政务公开办默认方案" in subtitle
        assert ws["A1"].value is None  # no clipped piece of it in the columns every page repeats

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_summary_headers(self, workbook, data):
        ws = workbook["汇总"]
        top = [c.value for c in ws[3]]
        sub = [c.value for c in ws[4]]
        assert top[:2] == [
            "排名",
            "单位",
        ]  # all peer groups: the group is a section heading, not a column
        assert {"总分", "名次变化", "预警", "预警说明"} <= set(top)
        assert any(h and h.startswith("绩效折算分") for h in top)
        assert top[2] == "办结率" and sub[2:4] == ["数值", "得分/15"]
        # no unit has a value this year: left out as in the Word document and the PDF
        assert "按时办结率" not in top and "创新引领" not in top
        shown, _ = without_empty_columns(data.summary)
        for i, column in enumerate(shown.columns):
            assert (sub[i] if column.group else top[i]) == column.header

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_every_summary_cell_equals_the_query_layer(self, workbook, data, ranking):
        ws = workbook["汇总"]
        own = ("flag_label", "scoring_note")  # words made from the run (test_small_province_sheets)
        shown, _ = without_empty_columns(data.summary)
        keys = [c.key for c in shown.columns if c.key not in own]
        at = [i for i, c in enumerate(shown.columns) if c.key not in own]
        got = _data_rows(ws)
        assert len(got) == ranking.height > 0
        for row_got, row_exp in zip(got, ranking.to_dicts()):
            for i, key in zip(at, keys):
                b = row_exp[key]
                if row_exp["missing"] and (
                    key.endswith((".value", ".points"))
                    or key in ("raw_points", "weight_present", "scaled_points", "bonus_points")
                ):
                    b = None  # no report: no indicator figures (nor their sums) beside 总分
                elif (
                    key.endswith(".value")
                    and key.startswith(("timeliness", "very_late"))
                    and b is not None
                ):
                    b = max(b, 0)  # early is not "−55 days late"
                assert _same(row_got[i], b), f"{key}: workbook {row_got[i]!r} != query layer {b!r}"

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_each_peer_group_is_a_section_with_its_own_ranks(self, workbook, ranking):
        ws = workbook["汇总"]
        rows = list(ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
        headings = [r[0] for r in rows if isinstance(r[0], str) and r[0].endswith("家）")]
        sizes = ranking.group_by("peer_group", maintain_order=True).len().rows()
        assert headings == [f"{g}（{n} 家）" for g, n in sizes]
        first_ranks, previous = [], None
        for r in rows:
            if isinstance(r[0], str):
                previous = "heading"
            elif isinstance(r[0], (int, float)):
                if previous == "heading":
                    first_ranks.append(r[0])
                previous = "row"
        assert first_ranks == [1] * len(sizes)  # ranks start again under every heading

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_office_date_notes_and_signatures_under_the_table(self, workbook, data):
        firsts = (
            next((v for v in r if v), None) for r in workbook["汇总"].iter_rows(values_only=True)
        )
        # each row's first text (the notes start after the repeated unit columns)
        texts = [v for v in firsts if isinstance(v, str)]
        office = export.load_office()
        assert office.name in texts
        assert data.issued_text in texts and re.fullmatch(
            r"\d{4}年\d{1,2}月\d{1,2}日", data.issued_text
        )
        assert "说明：" in texts and any(t.startswith("1. ") for t in texts)
        sign = next(t for t in texts if t.startswith("制表人"))
        assert "审核人" in sign and "负责人" in sign
        assert any("4%" in t for t in texts[:2])  # the share in the title rows

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_no_internal_ids_or_paths_in_any_sheet(self, workbook):
        bad = re.compile(
            r"\bt\d\.[a-z_]+|\bstd20(19|21)\b|\blegacy\b|\b(linear|deduction|veto|bonus)\b|"
            r"report \d+ · metric|/(tmp|home|work|root|usr)/"
        )
        for ws in workbook.worksheets[:4]:
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    assert not (isinstance(v, str) and bad.search(v)), f"{ws.title}: {v}"
            for hf in (ws.oddHeader.left.text, ws.oddHeader.right.text, ws.oddFooter.right.text):
                assert not hf or not bad.search(hf)

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_header_keeps_the_year(self, workbook, year):
        """Excel reads '&8' + '2025…' as font size 82025: a font code separates them."""
        left = workbook["汇总"].oddHeader.left
        assert left.text.startswith(f"{year}年度")
        assert left.size == 8

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_print_setup(self, workbook):
        for name in ("汇总", "扣分明细", "数据质量", "方案说明"):
            ws = workbook[name]
            assert ws.page_setup.orientation == "landscape"
            assert ws.page_setup.paperSize == 9  # A4
            assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        # 33 columns on one page would print at about 42 %: across pages at 70 % or more, the
        # rank and unit columns and the two header rows repeated on every page
        wide = workbook["汇总"]
        assert 70 <= wide.page_setup.scale <= 100
        assert wide.print_title_cols == "$A:$B" and wide.print_title_rows == "$3:$4"
        assert wide.col_breaks.brk and not wide.sheet_properties.pageSetUpPr.fitToPage
        for name in ("扣分明细", "数据质量", "方案说明"):  # narrow enough: one page wide, ≥ 70 %
            ws = workbook[name]
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.page_setup.fitToWidth in (None, 1)  # 1 is Excel's default and not written
            assert ws.page_setup.fitToHeight == 0
        assert workbook["扣分明细"].print_title_rows == "$1:$3"

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_frozen_header_rows(self, workbook):
        assert workbook["汇总"].freeze_panes == "C5"  # header rows and rank/agency columns
        assert workbook["扣分明细"].freeze_panes == "A4"
        assert workbook["数据质量"].freeze_panes == "A4"
        scheme = workbook["方案说明"]
        header_row = int(scheme.freeze_panes[1:]) - 1
        assert scheme.cell(header_row, 1).value == "序号"
        assert scheme.print_title_rows == f"${header_row}:${header_row}"

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_number_formats(self, workbook, data):
        ws = workbook["汇总"]
        formats = {
            export.PERCENT: '0.0"%"',
            export.POINTS: "0.00",
            export.INT: "#,##0",
            export.DELTA: "+0;-0;0",
        }
        first = FIRST_DATA_ROW + 1  # under the first peer group's heading
        assert ws.cell(first, 1).value == 1
        for i, column in enumerate(without_empty_columns(data.summary)[0].columns, start=1):
            if column.kind in formats:
                assert ws.cell(first, i).number_format == formats[column.kind], column.key
        assert ws.column_dimensions["B"].width >= 10  # agency names are not squeezed

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_deductions_sheet_lists_every_deduction(self, workbook, demo_db, year, ranking):
        with duckdb.connect(str(demo_db), read_only=True) as c:
            run = queries.year_assessment(c, year=year, scheme=SCHEME)
        ranked = ranking["agency_id"].to_list()
        everything = run.deductions.filter(pl.col("agency_id").is_in(ranked))
        expected = queries.signed_deductions(run).filter(pl.col("agency_id").is_in(ranked))
        # a unit without a report: its veto alone, no points (issue 22); the others every line
        missing = ranking.filter(pl.col("missing"))["agency_id"].to_list()
        assert missing, "the demo has units without a report of the year"
        gone = expected.filter(pl.col("agency_id").is_in(missing))
        assert set(gone["indicator_name"]) == {"未发布年报"} and gone["points"].is_null().all()
        assert gone.height == len(missing)
        published = everything.filter(~pl.col("agency_id").is_in(missing))
        assert expected.height == published.height + len(missing)
        ws = workbook["扣分明细"]
        assert [c.value for c in ws[3]] == [
            "对标组",
            "排名",
            "单位",
            "指标",
            "扣分（负数为加分）",
            "原因",
            "数据来源",
        ]
        rows = list(ws.iter_rows(min_row=4, values_only=True))
        assert len(rows) == expected.height
        assert sorted((r[3], _rounded(r[4]), r[5]) for r in rows) == sorted(
            (n, _rounded(p), why)
            for n, p, why in expected.select("indicator_name", "points", "reason").rows()
        )

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_quality_sheet_has_the_years_findings(self, workbook, demo_db, year):
        with duckdb.connect(str(demo_db), read_only=True) as c:
            expected = queries.findings(c, year=year)
        rows = list(workbook["数据质量"].iter_rows(min_row=4, values_only=True))
        if expected.height:
            assert len(rows) == expected.height
            assert sorted(r[0] or "" for r in rows) == sorted(
                expected["agency_name"].fill_null("").to_list()
            )
        else:
            assert rows[0][0] == "（无）"

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_scheme_sheet_explains_scheme_and_provenance(self, workbook, demo_db):
        ws = workbook["方案说明"]
        lines = {r[0]: r[1] for r in ws.iter_rows(min_row=3, max_row=20, values_only=True) if r[0]}
        assert lines["方案名称"].startswith("省政务公开办默认方案")
        assert lines["绩效考核占比"].startswith("4%")
        assert "数据库" not in lines and "方案文件" not in lines  # no file names on a signed sheet
        assert lines["人工录入"].startswith("检查抽查结果 ")
        assert "第 " in lines["最近一次加载"] and "解析器" not in lines["最近一次加载"]
        assert (
            lines["本年度年报"].endswith(tuple("0123456789"))
            and "解析器" not in lines["本年度年报"]
        )
        cells = [c.value for row in ws.iter_rows() for c in row]
        for name in ("办结率", "公开率", "未发布年报", "超期答复（抽查）"):
            assert name in cells
        assert "同组排名：第 1 名得满分，末名得 0 分，之间按名次比例" in cells

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_agency_sheet_equals_the_drill_down(self, workbook, data, demo_db, year, ranking):
        agency_id, name = ranking.select("agency_id", "agency_name").row(0)
        with duckdb.connect(str(demo_db), read_only=True) as c:
            breakdown, _ = queries.score_detail(c, year=year, scheme=SCHEME, agency_id=agency_id)
            steps = queries.score_steps(c, year=year, scheme=SCHEME, agency_id=agency_id)
        ws = workbook[export.sheet_name(name, set())]
        rows = list(ws.iter_rows(min_row=4, values_only=True))
        # the indicators, then the lines that take their points to 总分 (a fired veto is once
        # among the indicators)
        steps = steps.filter(pl.col("item") != "否决")
        assert [r[0] for r in rows] == breakdown["indicator"].to_list() + steps["item"].to_list()
        points = breakdown["points"].to_list() + steps["points"].to_list()
        assert all(_same(r[5], p) for r, p in zip(rows, points))
        assert rows[-1][0] == "总分" and _same(rows[-1][5], ranking.row(0, named=True)["score"])


def _rounded(points: float | None) -> float | None:
    return None if points is None else round(points, 6)


def test_sheet_names_are_legal_and_unique():
    used = {"汇总"}
    assert export.sheet_name("汇总", used) == "汇总(2)"
    long = "某某省某某市某某县人民政府办公室关于某某事项的某某某某工作领导小组"
    assert len(export.sheet_name(long, set())) == 31
    assert export.sheet_name("a/b:c[d]", set()) == "a_b_c_d_"


def test_the_cli_and_the_dashboard_name_export_files_alike(tmp_path):
    """One name rule (exports.formats.export_file_name) for `gongkai export --out FOLDER`, the
    导出 page and the 假设分析 page's workbook; a peer group is made a legal file name."""
    from exports.formats import export_file_name
    from gongkai.commands.export import output_paths

    paths = output_paths(tmp_path, 2024, "县级政府")
    assert [p.name for p in paths] == [
        f"政务公开年报考核_2024年度_县级政府.{s}" for s in ("xlsx", "docx", "pdf", "csv")
    ]
    assert output_paths(tmp_path / "自定.pdf", 2024, None) == [tmp_path / "自定.pdf"]
    assert export_file_name(2024, None, "csv") == "政务公开年报考核_2024年度.csv"
    assert (
        export_file_name(2024, "市/县", ".XLSX", what_if=True)
        == "政务公开年报考核_2024年度_市_县_假设分析.xlsx"
    )


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_workbook_without_agency_sheets(data):
    wb = openpyxl.load_workbook(io.BytesIO(export.assessment_workbook(data)))
    assert wb.sheetnames == ["汇总", "扣分明细", "数据质量", "方案说明"]


class TestCsv:
    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_utf8_with_bom_and_same_figures(self, data, ranking):
        raw = export.summary_csv(data)
        assert raw.startswith(b"\xef\xbb\xbf")
        df = pl.read_csv(io.BytesIO(raw), infer_schema_length=0)  # all text: compare as printed
        assert df.columns[0] == "排名"  # the BOM is not part of the first header
        assert df.columns[:3] == ["排名", "单位", "对标组"]  # a CSV has no section headings
        assert "办结率·得分/15" in df.columns
        assert df.height == ranking.height
        by_name = {r["agency_name"]: r for r in ranking.to_dicts()}
        for row in df.to_dicts():
            exp = by_name[row["单位"]]
            assert row["总分"] == f"{exp['score']:.2f}"  # rounded as the screen shows it
            if exp["completion_rate"] is not None and not exp["missing"]:
                assert row["办结率·数值"] == f"{exp['completion_rate']:.1f}"
            assert row["排名"] == str(exp["rank"])
        assert not any(
            "e-" in (v or "") or len((v or "").split(".")[-1]) > 2
            for col in df.columns
            # text columns (a group's columns are headed 组·列, e.g. 总分计算·否决)
            if col.split("·")[-1] not in ("单位", "对标组", "预警", "预警说明", "否决", "计分说明")
            for v in df[col]
        )


def _pages_text(pdf: bytes) -> list[str]:
    """Text per page as pdfium reads it (pdfminer/pdfplumber extracts no characters from fpdf2's
    embedded CFF-flavoured Noto CJK subset; pdfium and poppler's pdftotext read it fine)."""
    doc = pypdfium2.PdfDocument(pdf)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def _in_cell(name: str, text: str) -> bool:
    """`name` is in `text`, allowing a wrapped cell: its tail may follow on the row's next
    line (pdfium extracts text line by line across the row)."""
    flat = text.replace("\r", "").replace("\n", " ")
    if name in flat:
        return True
    gap = ".{0,300}?"
    return (
        re.search(re.escape(name[:4]) + "".join(gap + re.escape(ch) for ch in name[4:]), flat)
        is not None
    )


class TestPdf:
    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_text_has_title_and_agency_names(self, pdf_bytes, ranking, year):
        text = "\n".join(_pages_text(pdf_bytes))
        assert f"{year}年度政府信息公开工作年度报告考核汇总表" in text
        assert "考核方案：省政务公开办默认方案" in text
        for name in ranking["agency_name"].to_list():
            assert _in_cell(name, text), name

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_landscape_a4_with_embedded_cjk_font(self, pdf_bytes):
        doc = pypdfium2.PdfDocument(pdf_bytes)
        width, height = doc[0].get_size()
        # A4 landscape in points; a sheet too wide for A4 even at the smallest type (every
        # indicator and the 总分计算 columns) goes onto A3 landscape rather than unreadable type
        assert (round(width), round(height)) in ((842, 595), (1191, 842))
        assert b"NotoSansCJK" in pdf_bytes and b"/FontFile" in pdf_bytes

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_first_page_renders(self, pdf_bytes, tmp_path):
        page = pypdfium2.PdfDocument(pdf_bytes)[0]
        image = page.render(scale=1.5).to_pil()
        image.save(tmp_path / "summary-page1.png")
        gray = image.convert("L")
        assert gray.getextrema()[0] < 100  # there is ink on the page

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_header_repeats_on_every_page(self, data):
        many = pl.concat([data.summary.frame] * 12)
        big = export.AssessmentExport(
            **{**data.__dict__, "summary": export.Table(many, data.summary.columns)}
        )
        pages = _pages_text(export.summary_pdf(big))
        assert len(pages) > 1
        office = data.office.name  # 示范省人民政府办公厅… holds the name of a unit
        names = {n for n in data.summary.frame["agency_name"] if n not in office}
        for text in pages:  # a last page of notes and signatures alone carries no table
            if any(name in text for name in names):
                assert "排名" in text and "总分" in text and "办结率" in text

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_too_many_columns_still_fit(self, data):
        frame = pl.DataFrame(
            {f"c{i}": [1.2345, 22.5] for i in range(60)} | {"name": ["甲单位", "乙单位"]}
        )
        columns = (export.Column("name", "单位"),) + tuple(
            export.Column(f"c{i}", "得分", export.POINTS, group=f"指标{i}") for i in range(60)
        )
        wide = export.AssessmentExport(**{**data.__dict__, "summary": export.Table(frame, columns)})
        doc = pypdfium2.PdfDocument(export.summary_pdf(wide))
        assert len(doc) >= 1

    def test_missing_cjk_font_names_the_debian_package(self, tmp_path, monkeypatch):
        monkeypatch.delenv("GONGKAI_CJK_FONT", raising=False)
        with pytest.raises(export.MissingFontError, match="fonts-noto-cjk"):
            export.cjk_fonts(dirs=(tmp_path,))

    def test_simplified_chinese_face_is_picked_from_the_collection(self):
        fonts = export.cjk_fonts()
        from fontTools.ttLib import TTFont

        face = TTFont(str(fonts[""].path), fontNumber=fonts[""].index, lazy=True)
        assert face["name"].getDebugName(1).endswith("SC")


class TestCommand:
    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_folder_gets_all_four(self, demo_db, year, tmp_path):
        result = CliRunner().invoke(
            cli,
            [
                "export",
                "--year",
                str(year),
                "--scheme",
                str(SCHEME),
                "--db",
                str(demo_db),
                "--out",
                str(tmp_path),
            ],
        )
        assert result.exit_code == 0, result.output
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == sorted(
            f"政务公开年报考核_{year}年度{s}" for s in (".csv", ".docx", ".pdf", ".xlsx")
        )
        import docx

        text = "\n".join(
            p.text for p in docx.Document(tmp_path / f"政务公开年报考核_{year}年度.docx").paragraphs
        )
        assert f"{year}" in text and "制表人" in text

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_one_file_by_suffix_and_peer_group(self, demo_db, year, tmp_path, ranking):
        group = ranking["peer_group"].drop_nulls()[0]
        out = tmp_path / "汇总.xlsx"
        result = CliRunner().invoke(
            cli,
            [
                "export",
                "--year",
                str(year),
                "--scheme",
                str(SCHEME),
                "--db",
                str(demo_db),
                "--peer-group",
                group,
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]
        ws = openpyxl.load_workbook(out)["汇总"]
        assert group in _row_text(ws, 1)
        assert {r[2] for r in _data_rows(ws)} == {group}

    @pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
    def test_unknown_suffix_is_refused(self, demo_db, year, tmp_path):
        result = CliRunner().invoke(
            cli,
            [
                "export",
                "--year",
                str(year),
                "--db",
                str(demo_db),
                "--scheme",
                str(SCHEME),
                "--out",
                str(tmp_path / "x.odt"),
            ],
        )
        assert result.exit_code != 0
        assert ".xlsx, .docx, .pdf or .csv" in result.output

    def test_missing_database_says_what_to_do(self, tmp_path):
        result = CliRunner().invoke(
            cli,
            [
                "export",
                "--year",
                "2024",
                "--db",
                str(tmp_path / "no.duckdb"),
                "--scheme",
                str(SCHEME),
                "--out",
                str(tmp_path),
            ],
        )
        assert result.exit_code != 0
        assert "gongkai build" in result.output


def test_header_footer_codes_survive_excel():
    """'&' is Excel's code character: doubled in text; a size code is closed before digits."""
    from exports.xlsx_text import header_footer, hf_text

    assert hf_text("省政务公开办 & 信息中心") == "省政务公开办 && 信息中心"
    assert header_footer(left="2025年度汇总表", size=8) == '&L&8&"-,Regular"2025年度汇总表'
    assert header_footer(left="甲", right="乙&丙") == "&L甲&R乙&&丙"


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_word_document_has_the_sheet_sections_and_signatures(data):
    import docx

    doc = docx.Document(io.BytesIO(export.assessment_docx(data)))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == data.title and "4%" in text[1]
    groups = data.summary.frame["peer_group"].unique(maintain_order=True).to_list()
    assert len(doc.tables) == len(groups)  # one table per peer group, ranks from 1 in each
    for table in doc.tables:  # two header rows: a group's name over its 数值 | 得分 columns
        assert table.rows[0].cells[0].text == "排名" and table.rows[2].cells[0].text == "1"
        top = [c.text for c in table.rows[0].cells]
        assert top.count("办结率") == 2 and [c.text for c in table.rows[1].cells][2] == "数值"
    # columns no unit has a value in are left out, and a note says which
    assert "按时办结率" not in top and any(t.startswith("注：按时办结率") for t in text)
    assert any(t.startswith("制表人") and "负责人" in t for t in text)
    assert export.load_office().name in text and data.issued_text in text


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_sheet_has_every_indicator_and_the_points_add_up_to_the_total(workbook, data, ranking):
    """汇总: a column group for every indicator of the scheme except vetoes and those no unit has
    data for (named in the note under the table, as in the Word document and the PDF), and per
    unit Σ 得分 = 原始得分合计, 原始得分合计 × 100/有数据权重 = 折算后得分, and 折算后得分 + 加分
    (capped at 100) = 总分 unless a 否决 fired."""
    scheme = load_scheme(SCHEME)
    ws = workbook.worksheets[0]
    groups = {c.value for row in ws.iter_rows(min_row=3, max_row=3) for c in row if c.value}
    _, dropped = without_empty_columns(data.summary)
    assert "按时办结率" in dropped and "创新引领" in dropped
    for ind in scheme.indicators:
        assert (ind.name in groups) == (ind.kind != "veto" and ind.name not in dropped), ind.name
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    note = next(t for t in texts if t.startswith("注："))
    assert all(name in note for name in dropped) and "本表未列出" in note
    assert "总分计算" in groups
    weighted = [i for i in scheme.indicators if i.weighted]
    checked = scaled = 0
    for r in ranking.filter(~pl.col("missing")).iter_rows(named=True):
        points = [r[f"{i.id}.points"] for i in weighted if r[f"{i.id}.points"] is not None]
        assert round(sum(points), 2) == r["raw_points"]  # to the cent, as printed
        assert round(r["raw_points"] * 100 / r["weight_present"], 2) == r["scaled_points"]
        if not r["vetoes"]:
            expected = min(100.0, max(0.0, r["scaled_points"] + r["bonus_points"]))
            assert round(expected, 2) == r["total"]
            checked += 1
        scaled += r["weight_present"] < 100
    assert checked and scaled, "the demo has units with N/A indicators (scaled) and without vetoes"


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_score_steps_show_the_scaling_and_only_fired_vetoes(demo_db, year, ranking):
    """单位画像 · 评分: the lines from raw points to 总分; the scaling line when indicators are
    N/A; a veto line only where a veto fired, and no unfired veto among the indicator lines."""
    scheme = load_scheme(SCHEME)
    vetoes = {i.name for i in scheme.indicators if i.kind == "veto"}
    with duckdb.connect(str(demo_db), read_only=True) as c:
        run = queries.year_assessment(c, year=year, scheme=SCHEME)
        seen_scaled = False
        for r in ranking.iter_rows(named=True):
            steps = queries.score_steps(
                c, year=year, scheme=SCHEME, agency_id=r["agency_id"], assessment=run
            )
            items = steps["item"].to_list()
            breakdown, _ = queries.score_detail(
                c, year=year, scheme=SCHEME, agency_id=r["agency_id"], assessment=run
            )
            assert steps["points"][-1] == r["total"]
            if r["missing"]:  # no report: the veto alone, no indicator points (issue 22)
                assert items == ["否决", "总分"] and r["total"] == 0
                assert set(breakdown["indicator"]) <= vetoes
                assert breakdown["points"].is_null().all()
                continue
            assert items[0] == "各指标原始得分合计" and items[-1] == "总分"
            assert steps["points"][0] == pytest.approx(r["raw_points"])
            has_scale = any(x.startswith("折算 × 100/") for x in items)
            assert has_scale == (r["weight_present"] < 100)
            assert ("否决" in items) == bool(r["vetoes"])
            shown = set(breakdown["indicator"]) & vetoes
            assert bool(shown) == bool(r["vetoes"])
            seen_scaled |= has_scale
    assert seen_scaled  # (a veto fires in some demo years only; each row is checked above)


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_one_registry_of_export_formats_builds_each_file(data):
    """exports/formats.py: what `gongkai export` accepts and writes and what the 导出 page offers."""
    from exports.formats import FORMATS, format_of

    assert [f.suffix for f in FORMATS] == ["xlsx", "docx", "pdf", "csv"]
    assert format_of(".XLSX") is FORMATS[0] and format_of(".txt") is None and format_of("") is None
    starts = {"xlsx": b"PK\x03\x04", "docx": b"PK\x03\x04", "pdf": b"%PDF-", "csv": b"\xef\xbb\xbf"}
    for fmt in FORMATS:
        assert fmt.build(data).startswith(starts[fmt.suffix]), fmt.suffix


def test_wide_sheet_prints_across_pages_at_a_readable_scale():
    """33 columns of about 10 characters: one page wide would be ~40 %; across pages instead,
    cut only where an indicator's columns start, each page at 70 % or more."""
    from exports.sheet_fit import MIN_SCALE, print_plan

    widths = [9.0, 17.0] + [9.0] * 31
    starts = list(range(2, 33, 2))
    scale, breaks = print_plan(widths, 2, starts)
    assert scale is not None and MIN_SCALE <= scale <= 100
    assert breaks and set(breaks) <= set(starts)
    assert print_plan([11, 9, 25, 25, 12, 30, 30], 0, list(range(7))) == (None, [])  # fits
    assert print_plan(widths, 2, []) == (None, [])  # nowhere to cut: one page wide after all


def test_word_columns_never_break_a_number_or_short_token():
    """Each column is at least as wide as its widest unbreakable piece (「+13」, 「100.0%」,
    「得分/15」), and a unit name of up to eight characters stays on one line."""
    from exports.column_fit import PT_MM, column_widths, unbreakable_em

    assert unbreakable_em("得分/15") == pytest.approx(4.05)
    assert unbreakable_em("100.0%") == pytest.approx(4.0)  # % drawn about 1 em wide
    assert unbreakable_em("名次变化") == 2  # may wrap as 名次/变化
    headers = ["排名", "单位", "得分/15", "数值", "名次变化", "预警说明"]
    rows = [["1", "泊云县人民政府", "15.00", "100.0%", "+13", "复议诉讼被纠错、数据存在错误" * 2]]
    widths = column_widths(headers, rows, width_mm=120, font_pt=8)
    em = 8 * PT_MM
    assert widths[1] >= 7 * em and widths[2] >= 4.05 * em and widths[3] >= 4.0 * em
    assert sum(widths) == pytest.approx(120)


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_word_table_columns_hold_their_widest_unbreakable_piece(data):
    """In the generated DOCX, every column (w:gridCol, what LibreOffice and WPS lay out) is at
    least as wide as its widest number or short token plus the cell padding, at the table's
    font size, and the table fits the A4 landscape text width."""
    import docx
    from docx.shared import Mm

    from exports.column_fit import CELL_PAD_MM, PT_MM, unbreakable_em

    doc = docx.Document(io.BytesIO(export.assessment_docx(data)))
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert section.page_width > section.page_height  # landscape
    for table in doc.tables:
        grid = [int(c.get(docx.oxml.ns.qn("w:w"))) for c in table._tbl.tblGrid.gridCol_lst]
        assert sum(grid) * 635 <= text_width + 635 * 5  # twips → EMU, rounding
        size = table.rows[2].cells[2].paragraphs[0].runs[0].font.size.pt
        for i, width in enumerate(grid):
            cells = [row.cells[i].text for row in table.rows[1:]]
            need = max(unbreakable_em(t) for t in cells) * size * PT_MM + 2 * CELL_PAD_MM
            assert width * 635 >= Mm(need), (i, cells[:3])
