"""Text the dashboard does not own, made safe for the Streamlit elements that render Markdown.

Foreign text is anything a report, the registry, a user or a link put there: agency and
peer-group names, finding messages (they quote report cells and sentences), correction notes,
registry rows, file and scheme names, exception messages that quote any of these, and URL
parameters. In Streamlit 1.67, st.markdown / st.caption / st.title / st.subheader,
st.info / warning / error / success, st.toast, st.metric's label, value and delta, every
widget's label and help, st.page_link, st.tabs and st.expander labels and st.radio's options all
render Markdown (labels a subset that still has links and images). st.text, st.code,
st.dataframe / st.table cells and st.selectbox / st.multiselect options do not.

`md(text)` is the one way foreign text enters such an element: every ASCII punctuation
character is backslash-escaped (CommonMark lets any of them be), so no link, image, emphasis,
HTML tag, `$math$`, `:red[colour]` or `:material/icon:` directive survives. Streamlit's GFM also
turns bare `http://…`, `www.…` and `name@host.tld` into links *after* escapes are resolved, so
a word joiner (U+2060, invisible) is put after every `:` and `@` and between `www` and its dot;
the text reads the same. Control characters and line breaks become one space: a label or a
message is one line.

`plot(text)` is the same for Plotly (axis ticks, legends and hover labels read a subset of
HTML, including `<a href>`): HTML-escaped, which Plotly shows as the characters themselves.
"""

from __future__ import annotations

import html
import re

WORD_JOINER = "\u2060"
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_WWW = re.compile(r"(www)(?=\.)", re.IGNORECASE)
ECHO_LIMIT = 40  # characters of a URL parameter quoted back to the user


def md(text) -> str:
    """`text` for a Markdown-rendering element: shown exactly as written, never as Markdown."""
    s = "" if text is None else str(text)
    s = _LINE_BREAKS.sub(" ", s)
    s = s.replace(":", ":" + WORD_JOINER).replace("@", "@" + WORD_JOINER)
    s = _WWW.sub(r"\1" + WORD_JOINER, s)
    return _PUNCTUATION.sub(r"\\\1", s)


def md_quote(text) -> str:
    """A passage of foreign prose as a Markdown block quote, its line breaks kept."""
    lines = [line for line in str(text or "").splitlines() if line.strip()] or [""]
    return "  \n".join(f"> {md(line)}" for line in lines)


def echo(raw) -> str:
    """A URL parameter quoted back in a message: escaped and cut to ECHO_LIMIT characters, so a
    crafted link can neither render nor fill the page with its own text."""
    s = "" if raw is None else str(raw)
    if len(s) > ECHO_LIMIT:
        s = s[:ECHO_LIMIT] + "…"
    return md(s)


def plot(text) -> str:
    """`text` for a Plotly label: HTML-escaped, so `<a href>` or `<b>` show as written."""
    return html.escape("" if text is None else str(text), quote=False)
