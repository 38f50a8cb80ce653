"""The annual quality check's settings (quality.toml in the data folder), read and checked once
per process.

GONGKAI_QUALITY names another file (tests vary a threshold with it), GONGKAI_DATA another data
folder (etl.settings). The file is checked against QUALITY_SCHEMA when it is read — every table
the checks need, each key's type and range, no misspelt key — so a wrong value is one Chinese
line naming the file and the line to fix (ReportError, code "unreadable"), never a KeyError or
a TypeError in the middle of a load. The result is the file's tables as checked, the shape
every check reads (`settings["copy"]["share_threshold"]`); it is shared, so no check edits it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.errors import ReportError
from etl.settings import DATA_FILES, DEFAULT_DATA, current
from etl.toml_file import Key, TomlFile, read_toml, type_name

DEFAULT_PATH = DEFAULT_DATA / DATA_FILES["quality_path"]


@dataclass(frozen=True)
class Kind:
    """What one key holds: its Chinese description, and the check of a value."""

    words: str
    example: str
    low: float | None = None
    high: float | None = None

    def accepts(self, value: object) -> bool:
        if self.words == "文字":
            return isinstance(value, str)
        if self.words == "文字的列表":
            return isinstance(value, list) and all(isinstance(x, str) for x in value)
        if self.words == "真假值（true 或 false）":
            return isinstance(value, bool)
        if self.words == "正则表达式":
            return isinstance(value, str) and _compiles(value)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if self.words.startswith("整数"):
            number = number and isinstance(value, int)
        return (
            number
            and math.isfinite(value)
            and (self.low is None or value >= self.low)
            and (self.high is None or value <= self.high)
        )


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


TEXT = Kind("文字", '"…"')
TEXTS = Kind("文字的列表", '["…", "…"]')
FLAG = Kind("真假值（true 或 false）", "false")
PATTERN = Kind("正则表达式", '"无|没有"')
COUNT = Kind("整数（0 或更大）", "1", low=0)
POSITIVE = Kind("整数（1 或更大）", "8", low=1)
PERCENT = Kind("0 到 100 之间的数（百分比）", "50", low=0, high=100)
FRACTION = Kind("0 到 1 之间的数", "0.2", low=0, high=1)
YEAR = Kind("整数（年份）", "2018", low=1990, high=2100)

# table -> {key: Kind}; a list value [schema] is an array of tables ([[sections]]). A key is
# required unless it is in OPTIONAL: the checks read it with [], a missing one would be a bug.
QUALITY_SCHEMA: dict = {
    "sections": [
        {"number": TEXT, "name": TEXT, "keywords": TEXTS, "names": TEXTS, "min_chars": COUNT}
    ],
    "boilerplate": {"phrases": TEXTS},
    "fee": {"keywords": TEXTS, "stated": PATTERN},
    "overview": {
        "max_missing_parts": COUNT,
        "min_chars": COUNT,
        "min_figures": COUNT,
        "parts": [{"name": TEXT, "keywords": TEXTS}],
        "government": {"keywords": TEXTS, "min_hits": COUNT},
    },
    "text_table": {
        "tolerance": COUNT,
        "local_scope": TEXTS,
        "wide_scope": TEXTS,
        "government_markers": TEXTS,
    },
    "copy": {
        "shingle_chars": POSITIVE,
        "num_perm": POSITIVE,
        "lsh_threshold": FRACTION,
        "nearest": POSITIVE,
        "share_threshold": PERCENT,
        "min_chars": COUNT,
        "max_passages": COUNT,
        "unpunctuated_chars": COUNT,
        "common_agencies": POSITIVE,
        "template_sentences": TEXTS,
    },
    "ledger": {"tolerance": COUNT},
    "legacy_parts": {
        "min_prose_chars": COUNT,
        "until_year": YEAR,
        "part": [
            {
                "place": TEXT,
                "name": TEXT,
                "words": TEXTS,
                "ignore": TEXTS,
                "heading_words": TEXTS,
                "required": FLAG,
            }
        ],
    },
}
# read with .get (a default applies) or only documentation for the office
OPTIONAL = {"min_chars", "heading_words", "ignore", "required", "legacy_parts"}
_REASON = re.compile(r"(^|_)reason$")  # every threshold's why: text, optional


def quality_path() -> Path:
    return current().quality_path


def _fail_with(path: Path):
    def make(line: int | None, problem: str, hint: str) -> ReportError:
        where = f"{path}:{line}" if line else str(path)
        return ReportError(where, f"年报质量检查设置{problem}", hint, "unreadable")

    return make


def _check_table(toml: TomlFile, at: tuple[Key, ...], table: object, schema: dict) -> None:
    """Every key of `table` (found at `at` in the file) known and of its kind; required ones set."""
    name = ".".join(str(k) for k in at if isinstance(k, str))
    if not isinstance(table, dict):
        toml.fail(
            at, f"的“{name}”应是一节，现在是{type_name(table)}", f"请写成 [{name}] 开头的一节"
        )
    for key, value in table.items():
        kind = schema.get(key)
        if kind is None and _REASON.search(key):
            kind = TEXT
        if kind is None:
            known = "、".join([*schema, "reason"])
            toml.fail(
                (*at, key), f"中没有“{name}.{key}”这一项", f"请删去或改正；[{name}] 可写：{known}"
            )
        elif isinstance(kind, dict):
            _check_table(toml, (*at, key), value, kind)
        elif isinstance(kind, list):
            if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
                toml.fail(
                    (*at, key),
                    f"的“{name}.{key}”应是 [[{name}.{key}]] 表",
                    "请对照 data/quality.toml 改写",
                )
            for i, entry in enumerate(value):
                _check_table(toml, (*at, key, i), entry, kind[0])
        elif not kind.accepts(value):
            toml.fail(
                (*at, key),
                f" {name}.{key} = {value!r} 不对，应是{kind.words}（现在是{type_name(value)}）",
                f"请改为{kind.words}，例如 {key} = {kind.example}",
            )
    for key in schema:
        if key not in table and key not in OPTIONAL:
            toml.fail(at, f"的 [{name}] 缺少“{key}”", "请从 data/quality.toml 抄回这一项")


def check_quality(toml: TomlFile) -> None:
    """Raise the first problem of the file (ReportError naming its line); None when usable."""
    for table in QUALITY_SCHEMA:
        if table not in toml.data and table not in OPTIONAL:
            toml.fail((), f"缺少 [{table}] 一节", "请从 data/quality.toml 抄回这一节")
    for table, content in toml.data.items():
        schema = QUALITY_SCHEMA.get(table)
        if schema is None:
            toml.fail(
                (table,),
                f"中没有 [{table}] 这一节",
                f"只能有 [{']、['.join(QUALITY_SCHEMA)}]，请删去或改正",
            )
        if isinstance(schema, list):
            if not isinstance(content, list):
                toml.fail(
                    (table,), f"的“{table}”应是 [[{table}]] 表", "请对照 data/quality.toml 改写"
                )
            for i, entry in enumerate(content):
                _check_table(toml, (table, i), entry, schema[0])
        else:
            _check_table(toml, (table,), content, schema)


@lru_cache(maxsize=4)
def _read(path: str) -> dict:
    toml = read_toml(path, _fail_with(Path(path)))
    check_quality(toml)
    return toml.data


def quality_settings() -> dict:
    return _read(str(quality_path()))
