"""Writers for the text-like formats: plain text, seed-004 pipe dump, Markdown, HTML."""

from __future__ import annotations

import html

from demo.layout import Block, Table


def _row_texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def text_table(table: Table, sep: str = " ") -> list[str]:
    """One line per grid row with the cells that start there (what a PDF text layer yields)."""
    lines = []
    for cells in _row_texts(table):
        cells = [c if c != "" else "/" for c in cells]
        lines.append(sep.join(cells))
    return lines


def write_text(blocks: list[Block], encoding: str, sep: str = " ", crlf: bool = False) -> bytes:
    out: list[str] = []
    for b in blocks:
        if b.kind == "table":
            out.extend(text_table(b.table, sep))
        elif b.kind == "sign":
            out.extend(b.text.split("\n"))
        else:
            out.append(b.text)
        if b.kind in ("title", "h") and sep == " ":
            out.append("")
    nl = "\r\n" if crlf else "\n"
    return (nl.join(out) + nl).encode(encoding)


def pipe_table(table: Table) -> list[str]:
    """Seed 004: one cell per line ending in ' |', rows closed by a bare '|' (section rows by '|||')."""
    lines = []
    for row in table.rows:
        if len(row) == 1 and row[0].cs > 1:
            lines.append(f"{row[0].text} |")
            lines.append("|||")
            continue
        for c in row:
            lines.append(f"{c.text} |" if c.text else "|")
        lines.append("|")
    return lines


def write_pipe(blocks: list[Block], header: list[str], encoding: str = "utf-8") -> bytes:
    out = list(header)
    for b in blocks:
        if b.kind == "table":
            out.extend(pipe_table(b.table))
        elif b.kind == "sign":
            out.extend(b.text.split("\n"))
        elif b.kind != "meta":
            out.append(b.text)
    return ("\n".join(out)).encode(encoding)


# ------------------------------------------------------------------------------- Markdown
def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_sep(n: int) -> str:
    return "|" + "---|" * n


def md_table(table: Table, split: bool) -> list[str]:
    """The table as Markdown lines; `split`: one table per part under its own ### heading, as
    some portals publish it, instead of one table with merged headers."""
    by_kind = {"t3": _md_t3, "t4": _md_t4, "t2": _md_t2}
    return by_kind.get(table.kind, _md_legacy)(table, split)


def _md_t3(table: Table, split: bool) -> list[str]:
    out: list[str] = []
    head = (
        ["项目"]
        + [c.text for c in table.rows[1][:1]]
        + [c.text for c in table.rows[2]]
        + [table.rows[1][2].text]
    )
    for heading, rows in _t3_pieces(table, split):
        if heading:
            out += ["", f"### {heading}"]
        out += [_md_row(head), _md_sep(len(head))]
        for row in rows:
            labels = [c.text for c in row if c.key is None]
            if split and heading and len(labels) > 1 and labels[-2] == heading:
                labels = labels[-1:]
            if split and labels and labels[0] == "三、本年度办理结果":
                labels = labels[1:]
            out.append(_md_row([" ".join(labels)] + [c.text for c in row if c.key]))
    return out


def _t3_pieces(table: Table, split: bool) -> list[tuple[str | None, list]]:
    """表三's body rows in pieces: one when not split, else a new piece at each break."""
    pieces: list[tuple[str | None, list]] = []
    for i, row in enumerate(table.rows[table.header_rows :]):
        ri = i + table.header_rows
        if split and ri in table.breaks or not pieces:
            pieces.append((table.breaks.get(ri) if split else None, []))
        pieces[-1][1].append(row)
    return pieces


def _md_t4(table: Table, split: bool) -> list[str]:
    heads = [c.text for c in table.rows[2][:5]]
    vals = [c.text for c in table.rows[3]]
    if not split:
        return [
            _md_row([table.rows[0][0].text] + [""] * 4 + [table.rows[0][1].text] + [""] * 9),
            _md_sep(15),
            _md_row(heads + [table.rows[1][5].text] * 5 + [table.rows[1][6].text] * 5),
            _md_row(heads * 3),
            _md_row(vals),
        ]
    titles = [
        "行政复议",
        f"行政诉讼（{table.rows[1][5].text}）",
        f"行政诉讼（{table.rows[1][6].text}）",
    ]
    out: list[str] = []
    for i, t in enumerate(titles):
        out += ["", f"### {t}", _md_row(heads), _md_sep(5), _md_row(vals[i * 5 : i * 5 + 5])]
    return out


def _md_t2(table: Table, split: bool) -> list[str]:
    out: list[str] = []
    for row in table.rows:
        if len(row) == 1:
            out += ["", f"### {row[0].text}"]
        elif row[0].text == "信息内容":
            out += [_md_row([c.text for c in row]), _md_sep(len(row))]
        else:
            out.append(_md_row([c.text for c in row]))
    return out


def _md_legacy(table: Table, split: bool) -> list[str]:
    """The 统计表: a 3-column table, section rows in the first cell."""
    out = [_md_row(["统计指标", "单位", "统计数"]), _md_sep(3)]
    for row in table.rows[table.header_rows :]:
        cells = [c.text for c in row] + [""] * (3 - len(row))
        out.append(_md_row(cells))
    return out


def write_markdown(blocks: list[Block], split: bool) -> bytes:
    out: list[str] = []
    for b in blocks:
        if b.kind == "title":
            out += [f"# {b.text}", ""]
        elif b.kind == "h":
            out += ["", f"## {b.text}", ""]
        elif b.kind == "table":
            out += md_table(b.table, split) + [""]
        elif b.kind == "sign":
            out += [""] + b.text.split("\n")
        else:
            out += [b.text, ""]
    return ("\n".join(out) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------- HTML
def html_table(table: Table, word_style: bool) -> str:
    parts = [
        '<table border="1" cellspacing="0" cellpadding="0" class="MsoNormalTable">'
        if word_style
        else '<table class="gk-table" border="1" style="border-collapse:collapse">',
        "<tbody>",
    ]
    for row in table.rows:
        parts.append("<tr>")
        for c in row:
            attrs = ""
            if c.rs > 1:
                attrs += f' rowspan="{c.rs}"'
            if c.cs > 1:
                attrs += f' colspan="{c.cs}"'
            txt = html.escape(c.text) if c.text else "&nbsp;"
            if word_style:
                txt = f'<p class="MsoNormal" align="center"><span style="font-family:仿宋_GB2312">{txt}</span></p>'
            parts.append(f"<td{attrs}>{txt}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def write_html(
    blocks: list[Block], charset: str, word_style: bool, portal: list[tuple[str, str]]
) -> bytes:
    title = next(b.text for b in blocks if b.kind == "title")
    meta = (
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        if charset == "gb2312"
        else f'<meta charset="{charset}">'
    )
    out = [
        "<!DOCTYPE html>",
        "<html>",
        "<head>",
        meta,
        f"<title>{html.escape(title)}</title>",
        "</head>",
        "<body>",
        '<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
    ]
    if portal:
        out.append(
            '<table class="xxgk-info"><tbody><tr>'
            + "".join(f"<th>{html.escape(k)}</th><td>{html.escape(v)}</td>" for k, v in portal)
            + "</tr></tbody></table>"
        )
    out.append('<div class="article">')
    for b in blocks:
        if b.kind == "title":
            out.append(f'<h1 class="title">{html.escape(b.text)}</h1>')
        elif b.kind == "meta":
            out.append(
                f'<div class="info"><span>{html.escape(b.text)}</span>'
                "<span>【字体：大 中 小】</span></div>"
            )
        elif b.kind == "h":
            out.append(f"<p><strong>{html.escape(b.text)}</strong></p>")
        elif b.kind == "table":
            out.append(html_table(b.table, word_style))
        elif b.kind == "sign":
            out.append(
                "".join(
                    f'<p style="text-align:right">{html.escape(x)}</p>' for x in b.text.split("\n")
                )
            )
        else:
            out.append(f'<p style="text-indent:2em">{html.escape(b.text)}</p>')
    out += [
        "</div>",
        '<div class="footer">主办：示范省人民政府办公厅（演示数据）</div>',
        "</body>",
        "</html>",
    ]
    enc = "gbk" if charset in ("gbk", "gb2312") else "utf-8"
    return "\n".join(out).encode(enc)
