"""Where things are: one frozen Settings built from command-line values and the environment.

Nothing is read at import time; `from_env(env=...)` takes the mapping so tests can inject it.
Relative defaults are anchored at the project root, so `gongkai serve` works from any folder.
Environment: GONGKAI_DB (database file), GONGKAI_DATA (data folder), GONGKAI_REGISTRY
(agency registry CSV), GONGKAI_SCHEME (assessment scheme TOML).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import etl

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "data"


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DATA / "gongkai.duckdb"
    data_dir: Path = DEFAULT_DATA
    registry_path: Path = DEFAULT_DATA / "registry.csv"
    scheme_path: Path = DEFAULT_DATA / "schemes" / "default.toml"
    parser_version: str = etl.PARSER_VERSION

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **overrides) -> Settings:
        """Defaults, then the environment, then explicit (non-None) overrides such as CLI options."""
        values: dict = {}
        for field_name, var in (
            ("db_path", "GONGKAI_DB"),
            ("data_dir", "GONGKAI_DATA"),
            ("registry_path", "GONGKAI_REGISTRY"),
            ("scheme_path", "GONGKAI_SCHEME"),
        ):
            if env.get(var):
                values[field_name] = Path(env[var])
        values.update({k: v for k, v in overrides.items() if v is not None})
        for k in ("db_path", "data_dir", "registry_path", "scheme_path"):
            if k in values:
                values[k] = Path(values[k])
        return cls(**values)
