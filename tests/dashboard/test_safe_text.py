"""dashboard.safe_text: foreign text reads the same and renders nothing.

The Markdown check renders with markdown-it-py (CommonMark, raw HTML allowed, as strict a reader
as Streamlit's) and applies the bare-link rules of Streamlit's GFM (mdast-util-gfm-autolink-
literal, which runs on text after escapes are resolved) to what remains.
"""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from dashboard.safe_text import WORD_JOINER, echo, md, md_quote, plot

HOSTILE = [
    "[点我](http://evil.example)",
    "![x](http://evil.example/a.png)",
    "<img src=x onerror=alert(1)>",
    "**粗体**",
    "$x$",
    ":red[x]",
    "<a href='http://evil.example'>点我</a>",
    "&lt;img src=x&gt;",
    "http://evil.example/phish",
    "请访问 www.evil.example 领取",
    "联系 boss@evil.example",
    "# 标题\n\n- 列表",
    "`code` ~~删除~~ _斜_ | 表 |",
    ":material/warning: :smile:",
    "上海市科学技术委员会（2024）",
]
RENDER = MarkdownIt("commonmark", {"html": True})
BARE_LINK = re.compile(
    r"(https?://|www(?=\.))[-.\w]+|(?<![-.\w+])[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE
)
UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """The characters a reader sees: escapes resolved, word joiners invisible."""
    return UNESCAPE.sub(r"\1", markdown).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_md_renders_nothing_and_reads_the_same(text):
    out = md(text)
    html = RENDER.render(out)
    for tag in ("<a", "<img", "<strong", "<em", "<code", "<del", "<h1", "<li", "<blockquote"):
        assert tag not in html, (text, html)
    assert not BARE_LINK.search(UNESCAPE.sub(r"\1", out)), out  # GFM would link it
    for directive in (":red[", ":material/", ":smile:"):  # Streamlit's own syntax
        assert directive not in UNESCAPE.sub(r"\1", out)
    assert shown(out) == re.sub(r"[\x00-\x1f]+", " ", text)  # one line, the same characters


def test_md_makes_one_line_and_takes_anything():
    assert md("第一行\n第二行\r\n\t第三行") == "第一行 第二行 第三行"
    assert md(None) == "" and md(2024) == "2024" and md(ValueError("x.y")) == r"x\.y"
    assert md("上海市科学技术委员会") == "上海市科学技术委员会"  # Chinese text untouched


def test_echo_cuts_a_long_parameter():
    out = echo("[a](http://e.example)" + "x" * 500)
    assert out.endswith("…") and len(shown(out)) == 41 and "[a](" not in out


def test_md_quote_keeps_lines_as_one_quote():
    out = md_quote("第一段[点我](http://evil.example)\n\n第二段**粗**")
    assert out.startswith("> 第一段\\[点我\\]") and "\n> 第二段\\*\\*粗\\*\\*" in out
    assert "<a" not in RENDER.render(out) and RENDER.render(out).count("<blockquote>") == 1


def test_plot_escapes_plotly_html():
    assert plot("<a href='http://evil.example'>点我</a>&") == (
        "&lt;a href='http://evil.example'&gt;点我&lt;/a&gt;&amp;"
    )
    assert plot("上海市科委") == "上海市科委"
