"""The prose of a legacy report as sentences, the number words its statements are read with,
and the collector that keeps the first value stated for each key (etl/parse/prose.py reads them).

A sentence remembers the heading it falls under (a statement under 依申请公开 or 行政复议 means
that, even when the sentence does not say so) and its place in the document (`loc`, offset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.document import RawDocument
from etl.fields import legacy_key
from etl.numerals import chinese_to_int
from etl.report import Value

CN = "零〇○一二两三四五六七八九十百千"
N = r"(\d[\d,]*|[" + CN + r"]+)"
U = r"(?:件|起|宗|个|份|次|例|项)"
GAP = r"[^。;；,，]"  # within one clause

_SENTENCE_END = re.compile(r"[^。;；!！?？]*[。;；!！?？]?")
_HEADING = re.compile(r"^\(?[一二三四五六七八九十]+[)、]")

INFO_CONTEXT = re.compile(r"信息公开|依申请|政务公开|政府信息")


def prose_number(s: str) -> int | None:
    """A count as written: Arabic digits (with thousands commas) or Chinese numerals."""
    s = s.replace(",", "")
    if s.isdigit():
        return int(s)
    return chinese_to_int(s)


@dataclass
class Sentence:
    text: str
    raw: str
    loc: dict
    heading: str
    index: int


def sentences(doc: RawDocument) -> list[Sentence]:
    out: list[Sentence] = []
    heading = ""
    for block in doc.blocks:
        if block.is_table_row:
            continue
        text = block.text
        raw_text = " ".join(c for c in block.raw if c.strip())
        same_length = len(raw_text) == len(text)
        if _HEADING.match(text) and len(text) <= 40:
            heading = text
        for m in _SENTENCE_END.finditer(text):
            s = m.group(0)
            if not s.strip():
                continue
            loc = block.loc.as_dict()
            if block.loc.offset is not None:
                loc["offset"] = block.loc.offset + m.start()
            raw = raw_text[m.start() : m.end()] if same_length else s
            # headings inside long crawler runs ("四、行政复议…情况") count as headings too
            inner = re.search(r"[一二三四五六七八九十]+、[^。]{0,40}?情况", s)
            if inner and len(text) > 40:
                heading = inner.group(0)
            out.append(Sentence(s.strip(), raw.strip(), loc, heading, len(out)))
    return out


class Collector:
    def __init__(self) -> None:
        self.values: dict[str, Value] = {}

    def add(self, name: str, value: float, sent: Sentence) -> None:
        key = legacy_key(name)
        if key in self.values or value is None:
            return
        self.values[key] = Value(key, float(value), sent.raw, dict(sent.loc), source="prose")

    def has(self, name: str) -> bool:
        return legacy_key(name) in self.values

    def get(self, name: str) -> float | None:
        v = self.values.get(legacy_key(name))
        return v.value if v else None
