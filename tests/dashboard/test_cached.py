"""dashboard/cached.py: a cached result that is built from others equals the query it saves."""

from __future__ import annotations

import pytest
import streamlit as st
from polars.testing import assert_frame_equal

import queries
from dashboard import data

# slow: the demo database (the whole ETL over real and generated reports)
pytestmark = pytest.mark.slow


def test_a_comparison_from_cached_profiles_is_the_comparison_query(demo_db, monkeypatch):
    monkeypatch.setenv("GONGKAI_DB", str(demo_db))
    st.cache_data.clear()
    v = data.db_version()
    ids = data.agencies(v).filter(data.agencies(v)["reports"] > 0)["agency_id"].to_list()
    picked = (ids[3], ids[0], ids[7])  # not in name order: the result is sorted as the query's
    cur = data.cursor()
    try:
        expected = queries.compare_agencies(cur, agency_ids=list(picked))
    finally:
        cur.close()
    assert expected.height > 3
    assert_frame_equal(data.compare_agencies(v, picked), expected)
    assert data.compare_agencies(v, ()).is_empty()
