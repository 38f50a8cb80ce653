"""Where things are: one frozen Settings built from command-line values and the environment.

This is the one place the product reads its environment (tests/test_settings_reader.py greps the
packages for any other `os.environ` / `getenv`). Every variable is declared once in ENV_VARS,
which the README's table is checked against. Nothing is read at import time: `from_env(env=...)`
takes the mapping so tests can inject it, and `current()` reads the live environment per call.

GONGKAI_DATA is the base of every data file (the database, registry, scheme, office, roles and
quality files) unless that file's own variable names another; a copy of data/ named by it is
what every reader uses. Relative defaults are anchored at the project root, so `gongkai serve`
works from any folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import etl

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "data"


@dataclass(frozen=True)
class EnvVar:
    """One environment variable: the Settings field it sets and what it means (README table)."""

    name: str
    field: str  # the Settings field it sets (a command's option may read that field as default)
    meaning: str
    default: str


# The data files under GONGKAI_DATA: field -> path relative to the data folder.
DATA_FILES: dict[str, str] = {
    "db_path": "gongkai.duckdb",
    "registry_path": "registry.csv",
    "scheme_path": "schemes/default.toml",
    "office_path": "office.toml",
    "roles_path": "roles.toml",
    "quality_path": "quality.toml",
}

ENV_VARS: tuple[EnvVar, ...] = (
    EnvVar("GONGKAI_DATA", "data_dir", "the data folder: base of every data file below", "data/"),
    EnvVar("GONGKAI_DB", "db_path", "the report database", "$GONGKAI_DATA/gongkai.duckdb"),
    EnvVar(
        "GONGKAI_REGISTRY", "registry_path", "the agency registry", "$GONGKAI_DATA/registry.csv"
    ),
    EnvVar(
        "GONGKAI_SCHEME",
        "scheme_path",
        "the assessment scheme",
        "$GONGKAI_DATA/schemes/default.toml",
    ),
    EnvVar("GONGKAI_OFFICE", "office_path", "the office settings", "$GONGKAI_DATA/office.toml"),
    EnvVar("GONGKAI_ROLES", "roles_path", "the sign-in roles", "$GONGKAI_DATA/roles.toml"),
    EnvVar(
        "GONGKAI_QUALITY", "quality_path", "the quality-check rules", "$GONGKAI_DATA/quality.toml"
    ),
    EnvVar(
        "GONGKAI_WORKFLOW",
        "workflow_path",
        "the 整改 workflow store",
        "beside the database: <db stem>.workflow.sqlite",
    ),
    EnvVar(
        "GONGKAI_PROXY_SECRET",
        "proxy_secret",
        "the sign-in proxy's shared secret (16 characters or more)",
        "unset: the proxy's user header is ignored",
    ),
    EnvVar("GONGKAI_TODAY", "today", "the ETL's today, YYYY-MM-DD", "the machine's date"),
    EnvVar(
        "GONGKAI_CJK_FONT",
        "cjk_font",
        "a .ttf/.otf/.ttc font with Chinese glyphs for PDFs",
        "Noto Sans CJK from fonts-noto-cjk",
    ),
    EnvVar("GONGKAI_WORKERS", "workers", "parse processes of a load", "the CPUs available"),
    EnvVar(
        "GONGKAI_LOG_DIR",
        "log_dir",
        "where tracebacks are saved",
        "$XDG_STATE_HOME/gongkai/logs (~/.local/state/gongkai/logs)",
    ),
    EnvVar("XDG_STATE_HOME", "log_dir", "base of the log folder", "~/.local/state"),
    EnvVar(
        "GONGKAI_SHARED",
        "shared_dir",
        "the shared folder inspection write-ups name files in",
        "../shared, or a shared/ folder above the write-up",
    ),
    EnvVar("GONGKAI_DEBUG", "debug", "1: print the traceback too (`gongkai --debug`)", "0"),
    EnvVar(
        "GONGKAI_COLLECT_ALLOW",
        "collect_allow",
        "intranet hosts or networks `gongkai collect` may fetch from (`--allow-address`)",
        "public addresses only",
    ),
)


def _log_dir(env: Mapping[str, str]) -> Path:
    if env.get("GONGKAI_LOG_DIR"):
        return Path(env["GONGKAI_LOG_DIR"])
    state = env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "gongkai" / "logs"


def _workers(value: str) -> int | None:
    """A positive count of parse processes; anything else means "as many as the CPUs"."""
    value = value.strip()
    return max(1, int(value)) if value.isdigit() else None


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DATA / DATA_FILES["db_path"]
    data_dir: Path = DEFAULT_DATA
    registry_path: Path = DEFAULT_DATA / DATA_FILES["registry_path"]
    scheme_path: Path = DEFAULT_DATA / DATA_FILES["scheme_path"]
    office_path: Path = DEFAULT_DATA / DATA_FILES["office_path"]
    roles_path: Path = DEFAULT_DATA / DATA_FILES["roles_path"]
    quality_path: Path = DEFAULT_DATA / DATA_FILES["quality_path"]
    workflow_path: Path | None = None  # None: beside the database (workflow.store.store_path)
    proxy_secret: str = field(default="", repr=False)  # never printed with the settings
    today: str = ""  # as written; etl.clock parses it and says what is wrong
    cjk_font: str = ""
    workers: int | None = None
    log_dir: Path = field(default_factory=lambda: _log_dir({}))
    shared_dir: Path | None = None
    # as written: `gongkai --debug` takes it as its default, so click reads it as it reads the
    # flag (1/true/yes/on, 0/false/no/off, anything else a usage error), as before
    debug: str = ""
    collect_allow: tuple[str, ...] = ()  # split at whitespace, as click splits a repeated option
    parser_version: str = etl.PARSER_VERSION

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Defaults, then the environment, then explicit (non-None) overrides such as CLI options.

        The data files follow GONGKAI_DATA; an explicit `data_dir=` override (`gongkai build
        --data`, the folder of source documents) moves only the folder read, not the files."""
        env = os.environ if env is None else env
        base = _from_values(tuple(env.get(name) for name in _READ))
        changes = {k: v for k, v in overrides.items() if v is not None}
        for k in _PATH_FIELDS & changes.keys():
            changes[k] = Path(changes[k])
        return replace(base, **changes) if changes else base


_READ = (*dict.fromkeys(v.name for v in ENV_VARS), "HOME")  # HOME: Path.home()
_PATH_FIELDS = {*DATA_FILES, "data_dir", "workflow_path", "log_dir", "shared_dir"}


@lru_cache(maxsize=16)
def _from_values(values: tuple[str | None, ...]) -> Settings:
    """Settings for these values of the variables in _READ. Cached: the quality checks and the
    clock ask for the settings per report, and building the paths again costs ~0.4 ms a time;
    the key is every value read, so a changed environment is read afresh."""
    env = {name: value for name, value in zip(_READ, values) if value}
    data = Path(env["GONGKAI_DATA"]) if env.get("GONGKAI_DATA") else DEFAULT_DATA
    files = {
        var.field: Path(env[var.name]) if env.get(var.name) else data / DATA_FILES[var.field]
        for var in ENV_VARS
        if var.field in DATA_FILES
    }
    return Settings(
        data_dir=data,
        **files,
        workflow_path=Path(env["GONGKAI_WORKFLOW"]) if env.get("GONGKAI_WORKFLOW") else None,
        proxy_secret=(env.get("GONGKAI_PROXY_SECRET") or "").strip(),
        today=(env.get("GONGKAI_TODAY") or "").strip(),
        cjk_font=env.get("GONGKAI_CJK_FONT") or "",
        workers=_workers(env.get("GONGKAI_WORKERS") or ""),
        log_dir=_log_dir(env),
        shared_dir=Path(env["GONGKAI_SHARED"]) if env.get("GONGKAI_SHARED") else None,
        debug=(env.get("GONGKAI_DEBUG") or "").strip(),
        collect_allow=tuple((env.get("GONGKAI_COLLECT_ALLOW") or "").split()),
    )


def current() -> Settings:
    """The settings of the live environment, read now (tests change it between calls)."""
    return Settings.from_env()
