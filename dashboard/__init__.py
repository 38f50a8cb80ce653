"""Streamlit dashboard over the read-only gongkai database (entrypoint: dashboard/app.py)."""
