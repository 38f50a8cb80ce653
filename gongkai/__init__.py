"""gongkai: the command line on top of etl, assess, queries, exports and dashboard."""

from etl import __version__  # noqa: F401
