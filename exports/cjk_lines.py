"""Chinese text broken into lines the way a Chinese document is set (避头尾, GB/T 15834).

fpdf2 breaks a CJK paragraph at any character, so a line of a notice could start with 「，」 or
end with 「（」, and 「2027」 or 「12」 could be cut in two: a clerk does not sign that. Here a
closing mark that would start a line hangs at the end of the one before (as 公文 typesetting
does), an opening mark that would end a line moves to the next, and a run of Latin letters
and digits is kept whole when it fits on a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NO_LINE_START = frozenset("，。、；：？！）》」』】〉”’…—%‰·,.;:?!)]}")
NO_LINE_END = frozenset("（《「『【〈“‘([{")
_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/:%+]*|.", re.DOTALL)


def cjk_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` ("\\n" ends a paragraph) as lines no wider than `width` by `measure`, except a
    hanging closing mark."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(paragraph):
            if not line or measure(line + token) <= width:
                line += token
            elif token in NO_LINE_START:
                line += token  # hangs in the margin rather than start the next line
            elif len(token) > 1 and measure(token) > width:
                line = _split_long(line, token, width, measure, out)
            else:
                carry = ""
                while line and line[-1] in NO_LINE_END:
                    line, carry = line[:-1], line[-1] + carry
                if line:
                    out.append(line)
                line = carry + token
        out.append(line)
    return out


def _split_long(
    line: str, token: str, width: float, measure: Callable[[str], float], out: list[str]
) -> str:
    """A run wider than a whole line (a long URL, a code) is cut by character."""
    for ch in token:
        if line and measure(line + ch) > width:
            out.append(line)
            line = ""
        line += ch
    return line
