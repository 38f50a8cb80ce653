"""The database schema, declared once. Only the load stage writes (through etl/building_copy.py);
everything else reads.

Invariants:
- a report is (agency_id, year, version); exactly one version per (agency_id, year) has
  is_current = true, earlier versions are kept for audit;
- a source file is identified by sha256; loading the same bytes with the same parser
  version again is a no-op (load_sources remembers every (sha256, parser_version) seen);
- report_values is long form: one row per (report, canonical key); keys come from
  etl.fields.FIELDS and nowhere else.
"""

from __future__ import annotations

import duckdb

# meta row: a fresh id for every build swapped in (etl/building_copy.py); read by assess.stored,
# which imports it from here, not from building_copy (whose imports cost a cold server seconds)
BUILD_STAMP = "build_stamp"

SCHEMA_VERSION = 2  # 2: reports.counted_date and date_basis (one definition of late)

DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS meta (
        name TEXT PRIMARY KEY,
        value TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS agencies (
        agency_id TEXT PRIMARY KEY,          -- registry code, or 'U-…' for an unconfirmed name
        name TEXT NOT NULL,                  -- standard name
        aliases TEXT,                        -- '|'-separated
        level TEXT,                          -- 省 | 市 | 县
        kind TEXT,                           -- government | department
        parent_region TEXT,
        peer_group TEXT,
        confirmed BOOLEAN NOT NULL DEFAULT TRUE  -- false: seen only in a report, not in the registry
    )""",
    "CREATE SEQUENCE IF NOT EXISTS report_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS reports (
        report_id BIGINT PRIMARY KEY DEFAULT nextval('report_id_seq'),
        agency_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        version INTEGER NOT NULL,
        is_current BOOLEAN NOT NULL,
        template TEXT NOT NULL,
        agency_printed TEXT,                 -- the name as the document prints it
        published DATE,
        signed DATE,
        deadline DATE,
        days_late INTEGER,                   -- counted_date - deadline; negative: early; NULL: no date
        counted_date DATE,                   -- the date it counts as published (etl.deadlines.counted_date)
        date_basis TEXT,                     -- 门户日期 | 发布日期 | 落款日期; NULL: no date at all
        source_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        format TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        loaded_at TIMESTAMP NOT NULL,
        text_fingerprint TEXT,               -- for spotting a report copied from last year
        UNIQUE (agency_id, year, version)
    )""",
    """CREATE TABLE IF NOT EXISTS report_values (
        report_id BIGINT NOT NULL,
        key TEXT NOT NULL,
        value DOUBLE NOT NULL,
        raw TEXT,
        blank BOOLEAN NOT NULL DEFAULT FALSE,
        source TEXT NOT NULL,                -- 'table' | 'prose'
        location TEXT,                       -- JSON: page/table/row/col/line/offset
        PRIMARY KEY (report_id, key)
    )""",
    """CREATE TABLE IF NOT EXISTS findings (
        report_id BIGINT,                    -- NULL for cross-report findings without a report
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        cells TEXT,                          -- JSON list of keys
        expected DOUBLE,
        actual DOUBLE,
        message TEXT NOT NULL,
        category TEXT,                       -- etl.rules: the inspector's category, or reader/registry/portal
        place TEXT,                          -- T3, S5, LEG.requests, DOC …
        responsibility TEXT                  -- report | reader | registry | portal
    )""",
    "CREATE SEQUENCE IF NOT EXISTS run_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS load_runs (
        run_id BIGINT PRIMARY KEY DEFAULT nextval('run_id_seq'),
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        parser_version TEXT NOT NULL,
        loaded INTEGER, unchanged INTEGER, failed INTEGER, skipped INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS load_sources (
        sha256 TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        path TEXT NOT NULL,
        report_id BIGINT,                    -- NULL when the file yielded no report
        outcome TEXT NOT NULL,               -- loaded | not_a_report | duplicate
        PRIMARY KEY (sha256, parser_version)
    )""",
    """CREATE TABLE IF NOT EXISTS load_errors (
        run_id BIGINT,
        path TEXT NOT NULL,
        sha256 TEXT,
        code TEXT NOT NULL,
        problem TEXT NOT NULL,
        hint TEXT,
        "at" TIMESTAMP NOT NULL             -- quoted: AT is a keyword in DuckDB 2.0
    )""",
    # The annual quality check's cross-report step (etl/validate/cross_report.py, run on every swap).
    """CREATE TABLE IF NOT EXISTS report_texts (
        report_id BIGINT PRIMARY KEY,
        prose TEXT NOT NULL,                 -- the prose lines as extracted (not table rows)
        own TEXT,                            -- its own prose, normalised, one sentence a line
        minhash BLOB,                        -- MinHash of its shingles; NULL: not computed yet
        sentences BLOB,                      -- 64-bit keys of its normalised sentences (uint64)
        compared BOOLEAN NOT NULL DEFAULT FALSE  -- compared with the other reports of its year
    )""",
    """CREATE TABLE IF NOT EXISTS report_similarity (
        report_id BIGINT NOT NULL,           -- the report whose prose is measured
        other_report_id BIGINT NOT NULL,     -- the report it repeats
        relation TEXT NOT NULL,              -- previous_year | same_year
        share DOUBLE NOT NULL,               -- % of this report's own prose found in the other
        passages TEXT,                       -- JSON [{"this", "other", "score"}], repeated passages
        PRIMARY KEY (report_id, other_report_id)
    )""",
    """CREATE TABLE IF NOT EXISTS ledger_cases (
        agency_id TEXT NOT NULL,             -- the legal office's 复议/诉讼 ledger (CSV import)
        year INTEGER NOT NULL,
        grp TEXT NOT NULL,                   -- review | suit_direct | suit_after_review
        outcome TEXT NOT NULL,               -- upheld | corrected | other | pending | total
        count DOUBLE NOT NULL,
        source_path TEXT NOT NULL,
        imported_at TIMESTAMP NOT NULL,
        PRIMARY KEY (agency_id, year, grp, outcome)
    )""",
    # An analyst's choice of the current version of an agency-year (etl/version_choice.choose_version):
    # every choice is kept, with its reason, for audit.
    """CREATE TABLE IF NOT EXISTS version_choices (
        agency_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        version INTEGER NOT NULL,            -- the version made current
        previous_version INTEGER,            -- the version that was current before
        reason TEXT NOT NULL,
        chosen_by TEXT,
        chosen_at TIMESTAMP NOT NULL
    )""",
    # The current version of each report, with its agency: what scores and pages read.
    """CREATE OR REPLACE VIEW current_reports AS
        SELECT r.*, a.name AS agency_name, a.level, a.kind, a.parent_region, a.peer_group, a.confirmed
        FROM reports r JOIN agencies a USING (agency_id)
        WHERE r.is_current""",
    """CREATE OR REPLACE VIEW current_values AS
        SELECT r.report_id, r.agency_id, r.year, r.template, v.key, v.value, v.raw, v.blank,
               v.source, v.location
        FROM reports r JOIN report_values v USING (report_id)
        WHERE r.is_current""",
)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)
    _catalogue_columns(con)
    _date_columns(con)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def _date_columns(con: duckdb.DuckDBPyConnection) -> None:
    """A database written before schema 2: the counted date, its basis and the days late from
    the dates it stored, so pages agree before PARSER_VERSION's re-read writes every row again
    (a stored publication date counts as printed: only that re-read tells the portal's apart)."""
    if _columns(con, "reports") >= {"counted_date", "date_basis"}:
        return
    from etl.deadlines import PRINTED_DATE, SIGNED_DATE

    con.execute("ALTER TABLE reports ADD COLUMN IF NOT EXISTS counted_date DATE")
    con.execute("ALTER TABLE reports ADD COLUMN IF NOT EXISTS date_basis TEXT")
    con.execute(
        "UPDATE reports SET counted_date = coalesce(published, signed), date_basis = CASE "
        "WHEN published IS NOT NULL THEN ? WHEN signed IS NOT NULL THEN ? END, "
        "days_late = date_diff('day', deadline, coalesce(published, signed))",
        [PRINTED_DATE, SIGNED_DATE],
    )


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
            "AND database_name = current_database()",
            [table],
        ).fetchall()
    }


def _catalogue_columns(con: duckdb.DuckDBPyConnection) -> None:
    """A database written before the rule catalogue: its findings get category, place and
    responsibility from the rule (declared data, registered as a table, never text in SQL)."""
    have = _columns(con, "findings")
    missing = [c for c in ("category", "place", "responsibility") if c not in have]
    for column in missing:
        con.execute(f"ALTER TABLE findings ADD COLUMN {column} TEXT")  # names from the tuple above
    if (
        not missing
        and not con.execute(
            "SELECT 1 FROM findings WHERE responsibility IS NULL LIMIT 1"
        ).fetchall()
    ):
        return
    import pyarrow as pa

    from etl.rule_vocabulary import CATEGORIES
    from etl.rules import rule

    ids = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT rule FROM findings WHERE responsibility IS NULL"
        ).fetchall()
    ]
    declared = pa.table(
        {
            "rule": ids,
            "category": [rule(i).category for i in ids],
            "place": [rule(i).place for i in ids],
            "responsibility": [CATEGORIES[rule(i).category].responsibility for i in ids],
        }
    )
    con.register("_catalogue", declared)
    try:
        con.execute(
            "UPDATE findings SET category = c.category, place = c.place, "
            "responsibility = c.responsibility FROM _catalogue c "
            "WHERE findings.rule = c.rule AND findings.responsibility IS NULL"
        )
    finally:
        con.unregister("_catalogue")
