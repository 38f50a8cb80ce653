"""gongkai ETL: disclosure annual reports -> DuckDB."""

__version__ = "0.1.0"
# Bumped whenever parsing changes what a file yields: a new parser version reloads every file.
PARSER_VERSION = "2026.12.07-4"  # -4: cross-year messages name the year, not the file
