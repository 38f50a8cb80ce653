"""What keeps an assessment workbook reading as written: text cells that never become formulas
or links, legal unique sheet names, page header/footer codes escaped, the shared cell styles
and the A4 landscape print setup (exports/excel.py writes the sheets with them)."""

from __future__ import annotations

from etl.safe_text import formula_like, one_line, xml_text
from exports.model import TEXT, XLSX_FORMATS

# Text is only ever written as text: no string becomes a formula or a hyperlink by its first
# characters (agency names, peer groups and report cells come from outside; etl.safe_text).
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "nan_inf_to_errors": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
SHEET_NAME_UNITS = 31  # Excel's limit, in UTF-16 code units
QUOTED = "quoted"


def sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique Excel sheet name: at most 31 UTF-16 units (Excel counts a character
    outside the BMP, such as a rare 𠀀 in a name, as two), none of []:*?/\\ or control
    characters, no apostrophe at either end, not the reserved 「History」, unique ignoring case."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in one_line(name)).strip()
    clean = clean.strip("'").strip() or "单位"
    if clean.lower() == "history":
        clean += "_"
    taken = {u.lower() for u in used}
    candidate, n = _fit(clean, SHEET_NAME_UNITS), 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = _fit(clean, SHEET_NAME_UNITS - len(suffix)) + suffix, n + 1
    return candidate


def _fit(text: str, units: int) -> str:
    """The longest start of `text` of at most `units` UTF-16 units, no apostrophe at its end."""
    out, n = [], 0
    for ch in text:
        n += 2 if ord(ch) > 0xFFFF else 1
        if n > units:
            break
        out.append(ch)
    return "".join(out).rstrip("'").rstrip() or "单位"


def styles_of(wb) -> dict:
    """Formats by name, and under QUOTED the same formats with Excel's quote prefix (the cell
    stays text when someone edits it), for text that would otherwise read as a formula."""
    base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "vcenter"}
    cell = {**base, "border": 1, "border_color": "#999999"}
    props = {
        "title": {**base, "bold": True, "font_size": 14, "align": "center"},
        "subtitle": {**base, "font_color": "#444444", "align": "center"},
        "header": {
            **cell,
            "bold": True,
            "bg_color": "#DCE6F1",
            "text_wrap": True,
            "align": "center",
        },
        "label": {**cell, "bold": True, "bg_color": "#F2F2F2"},
        "value": {**cell, "text_wrap": True},
        TEXT: {**cell, "text_wrap": True},
        "section": {**cell, "bold": True, "bg_color": "#EEF3F8"},
        "note": {**base, "text_wrap": True, "valign": "top"},
        "note_bold": {**base, "bold": True},
        "sign_right": {**base, "align": "right"},
    }
    for kind, num_format in XLSX_FORMATS.items():
        props[kind] = {**cell, "num_format": num_format}
    styles: dict = {name: wb.add_format(p) for name, p in props.items()}
    styles[QUOTED] = {
        id(styles[name]): wb.add_format({**p, "quote_prefix": True}) for name, p in props.items()
    }
    return styles


def write_text(ws, styles: dict, r: int, c: int, text: object, style, *, to=None) -> None:
    """Text written as a string cell, merged over r..to[0], c..to[1] when `to` is given: never
    a formula or a link, whatever it starts with (xlsxwriter's merge_range and write() would
    make one of 「=HYPERLINK(…)」 or 「http://…」)."""
    text = xml_text(text)
    if formula_like(text):
        style = styles[QUOTED].get(id(style), style)
    if to is not None and (to[0], to[1]) != (r, c):
        ws.merge_range(r, c, to[0], to[1], "", style)
    ws.write_string(r, c, text, style)


def print_setup(ws, title: str, repeat: tuple[int, int], office: str = "", plan=(None, ())) -> None:
    """A4 landscape, header rows repeated, page numbers. `plan` (exports.sheet_fit.print_plan):
    (None, ()) fits the sheet one page wide; (scale, breaks) prints at `scale` % with a page
    starting at each column of `breaks`, left to right before down, the columns before the
    first break's content (rank and unit) repeated on every page."""
    scale, breaks = plan
    ws.set_paper(9)  # A4
    ws.set_landscape()
    if scale is None:
        ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    else:
        ws.set_print_scale(scale)
        ws.set_v_pagebreaks(list(breaks))
        ws.print_across()
    ws.repeat_rows(*repeat)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_header(header_footer(left=title, right=office, size=8))
    ws.set_footer('&C第 &P 页，共 &N 页&R&8&"-,Regular"&A')  # &A: the sheet's name


def hf_text(text: str, size: int | None = None) -> str:
    """Text for an Excel page header/footer section: '&' doubled (Excel reads &x as a code), and
    after a font size code a font code, so a leading digit ("2025年度…") is not read as part of
    the size (&82025 would be size 82025 and lose the year)."""
    escaped = one_line(text).replace("&", "&&")
    return (f'&{size}&"-,Regular"' if size else "") + escaped


def header_footer(
    *, left: str = "", center: str = "", right: str = "", size: int | None = None
) -> str:
    """A header/footer string with &L / &C / &R sections of plain text (empty ones left out)."""
    return "".join(
        code + hf_text(text, size)
        for code, text in (("&L", left), ("&C", center), ("&R", right))
        if text
    )
