"""Safety: no SQL built from user text, source text shown escaped, the server on localhost only.

1. Every f-string / str.format / %-format in etl/, assess/ and dashboard/ whose literal text is
   SQL is found through the AST; each interpolated expression must be on the allow-list below
   (identifiers and fragments built from constants of the code, never document or user text).
   A new interpolation fails this test until someone checks it and adds it with a reason.
2. A real prose report (seed 001) whose counted sentence carries `<script>alert(1)</script>` and
   `<b>x</b>` is loaded; the agency page (AppTest) shows that sentence as plain text (st.code),
   and no markdown/HTML element carries it.
3. .streamlit/config.toml and `gongkai serve` bind 127.0.0.1.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

SCANNED = ("gongkai", "etl", "assess", "queries", "exports", "dashboard", "workflow")
SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|FROM|WHERE|JOIN|"
    r"ORDER BY|GROUP BY|VALUES|ATTACH|COPY|PRAGMA|CHECKPOINT)\b"
)

# (file, interpolated expression as ast.unparse writes it) -> why it is safe
ALLOWED = {
    ("workflow/reports_db.py", "ATTACHED_AS"): "the constant schema name 'gongkai' of open_reports",
    ("etl/finding_rows.py", "names"): "the constant column names of the findings table (COLUMNS)",
    ("etl/schema.py", "column"): "one of the constant names category/place/responsibility",
    (
        "assess/metric_sql.py",
        "cols",
    ): "max(...) FILTER (WHERE key = '<k>') per k in source_keys(): keys of etl.fields.FIELDS",
    ("assess/metric_sql.py", "key_list"): "the same FIELDS keys, quoted",
    (
        "assess/metric_sql.py",
        "_sql_list(IDENTITY_RULES)",
    ): "the constant rule ids IDENTITY_RULES (etl.rules catalogue), quoted",
    (
        "assess/metric_sql.py",
        "_sql_list(QUALITY_RULES)",
    ): "the constant rule ids QUALITY_RULES, quoted",
    (
        "assess/metric_sql.py",
        "_sql_list(LEDGER_RULES)",
    ): "the constant rule ids LEDGER_RULES, quoted",
    (
        "assess/metric_sql.py",
        "_sql_list(LATE_RULES)",
    ): "the constant rule ids LATE_RULES (the catalogue's rules costing days_late), quoted",
    ("assess/metric_sql.py", "report"): "late_days_sql: a literal table alias ('r')",
    (
        "assess/metric_sql.py",
        "finding_counts_sql(findings)",
    ): "constant rule ids over 'findings' or the constant KEPT_FINDINGS",
    (
        "assess/metric_sql.py",
        "late_days_sql('r', findings)",
    ): "a literal alias and constant rule ids",
    (
        "queries/ranking.py",
        "finding_counts_sql('__FINDINGS__')",
    ): "constant rule ids over the placeholder run_query fills with findings_relation()",
    (
        "queries/quality.py",
        "finding_counts_sql('__FINDINGS__')",
    ): "constant rule ids over the placeholder run_query fills with findings_relation()",
    ("assess/metric_sql.py", "years"): "a constant SQL list of parameters, e.g. '($year)'",
    ("assess/metric_sql.py", "k"): "a key of etl.fields.FIELDS (source_keys filters on it)",
    (
        "assess/metric_sql.py",
        "i",
    ): "a metric id; METRICS[i] is looked up first, so only ids of the code",
    ("assess/metric_sql.py", "METRICS[i].value_sql"): "SQL written in assess/metrics.py",
    ("assess/metric_sql.py", "METRICS[i].cases_sql or 'NULL'"): "SQL written in assess/metrics.py",
    ("assess/metric_sql.py", "wide_sql(years, ids, values)"): "built above from constants only",
    (
        "assess/metric_sql.py",
        "metric_long_sql('($year)', values=values_relation(con))",
    ): "constants only",
    (
        "assess/metric_sql.py",
        "values",
    ): "'current_values' or the constant CORRECTED_VALUES (values_relation)",
    ("assess/metric_sql.py", "CORRECTED_VALUES"): "a module constant (SQL text of the code)",
    ("assess/metric_sql.py", "FILLED_IN"): "a module constant (SQL text of the code)",
    ("assess/metric_sql.py", "findings"): "'findings' or the constant KEPT_FINDINGS",
    ("queries/base.py", "METRICS[m].value_sql"): "SQL written in assess/metrics.py",
    ("assess/score_sql.py", "expr"): "_n(expr): called with literal column names only",
    ("assess/score_sql.py", "prefix"): "_unnest: literal 'i' / 'm'",
    ("assess/score_sql.py", "c"): "_unnest: column names of the constant _IND_COLS/_MAN_COLS",
    ("assess/score_sql.py", "t"): "_unnest: SQL types of the constant _IND_COLS/_MAN_COLS",
    ("assess/score_sql.py", "m"): "a metric id, already checked by metric_wide_sql (METRICS[m])",
    ("assess/score_sql.py", "what"): "_metric_pick: literal 'value' / 'cases'",
    ("assess/score_sql.py", "o"): "a comparison operator from a literal tuple",
    ("assess/score_sql.py", "'=' if o == '==' else o"): "the same operator",
    ("assess/score_sql.py", "metrics"): "metric_wide_sql(...) or a literal",
    ("assess/score_sql.py", "ops"): "built from the literal operator tuple",
    ("assess/score_sql.py", "_unnest('i', _IND_COLS)"): "constants",
    ("assess/score_sql.py", "_unnest('m', _MAN_COLS)"): "constants",
    ("assess/score_sql.py", "_metric_pick(metric_ids, 'value')"): "ids checked by metric_wide_sql",
    ("assess/score_sql.py", "_metric_pick(metric_ids, 'cases')"): "ids checked by metric_wide_sql",
    ("assess/score_sql.py", "_texts()"): "constants",
    ("assess/score_sql.py", "_reason()"): "constants",
    ("assess/score_sql.py", "_n('cap')"): "literal column",
    ("assess/score_sql.py", "_n('thr')"): "literal column",
    ("assess/score_sql.py", "_n('points_each')"): "literal column",
    ("assess/score_sql.py", "_n('weight')"): "literal column",
    ("assess/score_sql.py", "_n('full_at')"): "literal column",
    ("assess/score_sql.py", "_n('zero_at')"): "literal column",
    ("assess/score_sql.py", "_n('above')"): "literal column",
    ("assess/score_sql.py", "_n('per')"): "literal column",
    ("queries/figures.py", "FIGURES_CTE"): "a module constant (queries/base.py)",
    ("queries/review.py", "REVIEW_CTE"): "a module constant (queries/base.py figures_cte)",
    ("queries/ranking.py", "FIGURES_CTE"): "a module constant (queries/base.py)",
    ("queries/quality.py", "FIGURES_CTE"): "a module constant (queries/base.py)",
    (
        "queries/review.py",
        "order=order",
    ): "labels.SORTS[sort]: a value of a constant dict (KeyError otherwise)",
    ("etl/load.py", "', '.join((f'{c} = ?' for c in REPORT_COLUMNS))"): "constant column names",
    ("etl/load.py", "', '.join((f'{c} = f.{c}' for c in REPORT_COLUMNS))"): "constant column names",
    ("etl/load.py", "', '.join(REPORT_COLUMNS)"): "constant column names",
    ("etl/load.py", "', '.join('?' * len(REPORT_COLUMNS))"): "placeholders",
    ("etl/load.py", "', '.join(columns)"): "constant column names (+ REPORT_COLUMNS)",
    ("etl/load.py", "c"): "a name of the constant REPORT_COLUMNS",
    ("workflow/findings.py", "','.join('?' * len(states))"): "placeholders",
    ("workflow/findings.py", "','.join('?' * len(agency_ids))"): "placeholders",
    ("workflow/findings.py", "where"): "_where(): literal conditions with ? placeholders",
    ("workflow/overlay.py", "SCHEMA_NAME"): "the module constant 'gongkai_workflow'",
    ("workflow/overlay.py", "name"): "a table name from the literal tuple in attach_corrections",
    ("workflow/store_names.py", "new"): "a key of the module constant RENAMED_TABLES",
    ("workflow/store_names.py", "old"): "a value of the module constant RENAMED_TABLES",
    ("workflow/store_names.py", "index"): "an item of the module constant OLD_INDEXES",
}


def _sql_interpolations() -> list[tuple[str, int, str, str]]:
    """(file, line, expression, literal text) for every formatted string that is SQL."""
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
                if isinstance(node, ast.JoinedStr):
                    literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                    exprs = [
                        ast.unparse(v.value)
                        for v in node.values
                        if isinstance(v, ast.FormattedValue)
                    ]
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "format"
                ):
                    literal = _string_of(node.func.value, path)
                    exprs = [ast.unparse(a) for a in node.args] + [
                        f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords
                    ]
                elif (
                    isinstance(node, ast.BinOp)
                    and isinstance(node.op, ast.Mod)
                    and isinstance(node.left, ast.Constant)
                    and isinstance(node.left.value, str)
                ):
                    literal, exprs = node.left.value, [ast.unparse(node.right)]
                else:
                    continue
                if SQL_WORDS.search(literal):
                    found += [(rel, node.lineno, e, literal) for e in exprs]
    return found


def _string_of(node, path: Path) -> str:
    """The text `.format` is called on: a literal, or a module-level constant of that file."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):  # e.g. REVIEW_BY_AGENCY_SQL.format(...)
        for stmt in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(stmt, ast.Assign) and any(
                getattr(t, "id", None) == node.id for t in stmt.targets
            ):
                v = stmt.value
                if isinstance(v, ast.Constant):
                    return str(v.value)
                if isinstance(v, ast.JoinedStr):
                    return "".join(x.value for x in v.values if isinstance(x, ast.Constant))
        return node.id  # unknown: judged by its name (…_SQL)
    return ast.unparse(node)


def test_sql_is_never_formatted_from_anything_but_allow_listed_constants():
    found = _sql_interpolations()
    assert len(found) > 10  # the scan sees the SQL builders that exist
    unknown = sorted(
        {f"{f}:{line}: {{{expr}}}" for f, line, expr, _ in found if (f, expr) not in ALLOWED}
    )
    assert not unknown, (
        "SQL built with formatted values not on the allow-list (use bound "
        "parameters, or check the value is a constant and add it):\n" + "\n".join(unknown)
    )


def test_execute_and_sql_calls_take_literals_constants_or_allow_listed_builders():
    """`con.execute(...)`/`con.sql(...)` with a %-format or `+` of non-literals is refused too."""
    bad = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("execute", "sql", "executemany")
                    and node.args
                ):
                    arg = node.args[0]
                    if isinstance(arg, ast.BinOp) and not isinstance(arg.op, ast.Add):
                        bad.append(f"{rel}:{node.lineno}: {ast.unparse(arg)[:80]}")
                    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
                        parts = [arg.left, arg.right]
                        if not all(
                            isinstance(
                                p, (ast.Constant, ast.JoinedStr, ast.Name, ast.Call, ast.BinOp)
                            )
                            for p in parts
                        ):
                            bad.append(f"{rel}:{node.lineno}: {ast.unparse(arg)[:80]}")
    assert not bad, bad


def test_a_metric_id_from_a_scheme_file_cannot_reach_the_sql():
    """Scheme TOML is user-edited: an unknown metric id must fail the lookup, not become SQL."""
    from assess.score_sql import scoring_sql

    with pytest.raises(KeyError):
        scoring_sql(["completion_rate' OR 1=1 --"])


# ------------------------------------------------------------------ escaped source text

INJECT = "<script>alert(1)</script><b>x</b>"
SENTENCE = "共受理信息公开申请14件"


@pytest.fixture(scope="module")
def injected_db(tmp_path_factory) -> tuple:
    """Seed 001 (迁安市人民政府 2016, prose) with the tags in its counted sentence, loaded."""
    from etl.pipeline import run_load

    folder = tmp_path_factory.mktemp("inject")
    seed = next(SEEDS.glob("001_*.txt"))
    text = seed.read_text(encoding="utf-8")
    assert SENTENCE in text
    path = folder / "qianan_2016.txt"
    path.write_text(text.replace(SENTENCE, SENTENCE + INJECT, 1), encoding="utf-8")
    db = folder / "g.duckdb"
    summary = run_load([path], db)
    assert summary.loaded == [str(path)]
    return db, path


@pytest.mark.slow  # a load of a real report, then AppTest of the agency page
def test_source_text_with_tags_is_shown_as_text_on_the_agency_page(injected_db, monkeypatch):
    import duckdb
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import queries

    db, _ = injected_db
    with duckdb.connect(str(db), read_only=True) as con:
        [(report_id,)] = con.execute(
            "SELECT report_id FROM current_reports WHERE agency_id = '130283-GOV' AND year = 2016"
        ).fetchall()
        raw = queries.value_source(con, report_id=report_id, key="legacy.requests")["raw"][0]
    assert INJECT in raw  # stored exactly as printed

    monkeypatch.setenv("GONGKAI_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["agency"] = "130283-GOV"
    at.session_state["profile_section"] = "原文"
    at.session_state["src_year"] = 2016
    at.session_state["src_key"] = "legacy.requests"
    at.run()
    at.switch_page("views/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]

    codes = [c.value for c in at.code]
    assert any(INJECT in c for c in codes), codes  # the sentence, verbatim, in a code block
    assert all(c.language in (None, "", "plaintext") for c in at.code if INJECT in c.value)
    for kind in (
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "header",
        "subheader",
    ):
        for el in at.get(kind):
            value = getattr(el, "value", "") or ""
            assert "<script" not in value and "<b>" not in value, (kind, value)
    for el in at.get("markdown"):  # nothing on the page turns HTML on
        assert not el.proto.allow_html, el.value


# ------------------------------------------------------------------ localhost by default


def test_streamlit_config_binds_localhost():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_gongkai_serve_binds_localhost_by_default(monkeypatch, tmp_path):
    import duckdb
    from click.testing import CliRunner

    from gongkai.cli import cli
    from gongkai.commands import serve as serve_cmd

    db = tmp_path / "g.duckdb"
    duckdb.connect(str(db)).close()
    calls, probed = [], []
    monkeypatch.setattr(
        serve_cmd, "run_until_stopped", lambda cmd, **kw: calls.append((cmd, kw)) or 0
    )
    monkeypatch.setattr(serve_cmd, "_check_port_free", lambda *a: probed.append(a))
    result = CliRunner().invoke(cli, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert probed == [("127.0.0.1", 8501)]
    [(cmd, kw)] = calls
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert kw["env"]["GONGKAI_DB"] == str(db.resolve())
    assert "http://127.0.0.1:8501/" in result.output
