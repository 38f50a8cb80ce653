"""The one way a settings file in TOML is read: text, data and the line of every key.

Offices edit data/schemes/*.toml, office.toml, roles.toml and quality.toml by hand, so each
problem is one Chinese line that names the file and the line to fix: a file that is not UTF-8
(the line of the first bad byte), a TOML syntax error (tomllib's own line), nesting too deep to
read, and — through `TomlFile.line` / `TomlFile.fail` — a value of the wrong type or out of
range (the line where that key is written). Each loader keeps its own error class (and so its
exit code); it passes a `fail_with(line, problem, hint)` that builds one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from etl.gongkai_error import GongkaiError

Key = str | int  # a table or key name, or the index of an [[array]] table
FailWith = Callable[[int | None, str, str], GongkaiError]

_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_NAME = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)"""  # bare, "basic" or 'literal'
_KEY = re.compile(rf"^\s*({_NAME}(?:\s*\.\s*{_NAME})*)\s*=")
_PART = re.compile(rf"\s*({_NAME})\s*(?:\.|$)")
_TYPE_NAMES = {int: "数字", float: "数字", bool: "真假值", list: "列表", dict: "表", str: "文字"}


def type_name(value: object) -> str:
    """The Chinese name of a TOML value's type, for "应是数字，现在是文字"."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _unquote(part: str) -> str:
    if part.startswith('"'):
        return part[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return part[1:-1] if part.startswith("'") else part


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(_unquote(m.group(1)) for m in _PART.finditer(text))


def key_lines(text: str) -> dict[tuple[Key, ...], int]:
    """Every table header and key of a TOML text -> the line it is written on (first one wins).

    A key inside `[[a.b]]` gets the path ("a", "b", n, key) with n the table's index among the
    `[[a.b]]` tables; lines inside multi-line arrays are not keys (they have no `key =`)."""
    lines: dict[tuple[Key, ...], int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: tuple[Key, ...] = ()
    for n, raw in enumerate(text.splitlines(), 1):
        header = _HEADER.match(raw)
        if header and not raw.lstrip().startswith(("'", '"')):
            names = _dotted(header.group(2))
            if header.group(1) == "[[":
                counts[names] = counts.get(names, -1) + 1
                table = (*names, counts[names])
            else:
                table = names
            lines.setdefault(table, n)
            continue
        key = _KEY.match(raw)
        if key:
            lines.setdefault((*table, *_dotted(key.group(1))), n)
    return lines


@dataclass(frozen=True)
class TomlFile:
    path: Path
    text: str
    data: dict
    fail_with: FailWith = field(repr=False)
    lines: dict[tuple[Key, ...], int] = field(default_factory=dict, repr=False)

    def line(self, *keys: Key) -> int | None:
        """The line of `keys` (e.g. "indicators", 2, "weight"); when that key is not written
        as `key = …` (an inline table, a default), the line of the nearest enclosing table."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return None

    def fail(self, keys: tuple[Key, ...], problem: str, hint: str) -> NoReturn:
        raise self.fail_with(self.line(*keys), problem, hint)


def read_toml(path: str | Path, fail_with: FailWith) -> TomlFile:
    """Read and parse `path`; every problem is raised as `fail_with(line, problem, hint)`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail_with(
            None,
            f"文件无法读取（{exc.strerror or type(exc).__name__}）",
            "请检查文件是否存在、能否读取",
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail_with(
            raw[: exc.start].count(b"\n") + 1,
            "文件不是 UTF-8 文本（可能存成了 GBK 等编码）",
            "请在编辑器中另存为 UTF-8 编码",
        ) from None
    return parse_toml(text, path, fail_with)


def parse_toml(text: str, path: str | Path, fail_with: FailWith) -> TomlFile:
    """Parse TOML text already read (and decoded) from `path`; a syntax error names its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_AT.search(str(exc))
        problem = str(exc).split(" (at ")[0]
        raise fail_with(
            int(found.group(1)) if found else None,
            f"文件有 TOML 语法错误，无法读取（{problem}）",
            "请检查该行的引号、等号和方括号，文字须写在英文双引号中",
        ) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise fail_with(
            None,
            "文件中的数组或表嵌套过深（几百层），无法读取",
            "设置文件最多只需几层嵌套，请对照 data/ 中的原文件改正",
        ) from None
    return TomlFile(Path(path), text, data, fail_with, key_lines(text))
