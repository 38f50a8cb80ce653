"""From findings to rectification: the workflow store beside the report database.

    store.store_path(db) -> Path                 the SQLite (WAL) file; survives every reload
                                                 (tracked_findings: the 整改 case of each finding)
    sync.recheck(db) -> str / sync_after_load(db)  re-check after each load (gongkai load/build)
    findings.move(con, fkey, state, actor, reason)   待核实 → 已确认 / 误报 → 已通知 → 已整改 → 已复核
    corrections.add_correction / undo_correction / keep_correction   analyst corrections
    corrected_findings.settle_corrected_findings(con, report_con)   the checks judged again on the
                                                 corrected values: findings they satisfy are
                                                 resolved by the correction (findings.stands)
    overlay.attach_corrections(duckdb_con, db)   corrections into scores (assess.metric_sql.values_relation)
    roles.resolve_actor(...)                     who is acting and what they may do (data/roles.toml)
    problems.notice_batch / bulletin_data        what the notices and the bulletin print

Imports etl and assess only; the dashboard and the CLI call in.
"""
