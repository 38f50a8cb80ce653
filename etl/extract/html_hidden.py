"""What a page hides from its reader: such elements never become figures or prose.

A page can carry a second 表三 that no visitor sees (a stale draft left in the CMS, or planted
figures). What is scored must be what a person reads, so an element is dropped, with everything
inside it, when:

- it has the `hidden` attribute (unless the page's own CSS gives it a display again, as browsers
  do: the attribute is the weakest rule of all);
- it has `aria-hidden="true"` (the author says it is not content; no report's figures are
  marked so);
- its inline style, or a rule in the page's own `<style>` blocks, gives it `display:none` or
  `visibility:hidden|collapse` (`<template>`, `<noscript>`, scripts and styles are dropped by
  the reader's tag list).

Rules are read with tinycss2 and their selectors matched with cssselect (both maintained,
BSD-licensed), and the cascade is the browser's for these two properties: `!important`, then
inline style, then specificity, then the later rule. Rules inside `@media` apply when the query
is plain `screen`/`all` (a desktop browser's view); print-only and width-conditional rules and
`<style media="print">` blocks do not. External stylesheets are never fetched: a rule the page
does not carry cannot be known. Not modelled: `visibility:visible` on a descendant of a hidden
element (the whole subtree stays dropped), and other ways of making text unreadable (zero font
size, text the colour of the background, off-screen positioning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

_STYLE_BLOCK = re.compile(r"<style\b([^>]*)>(.*?)</style\s*>", re.I | re.S)
_PRINT_ONLY = re.compile(r"""media\s*=\s*["']?\s*print""", re.I)
_MENTIONS = re.compile(r"display|visibility", re.I)
MAX_CSS_CHARS = 2_000_000  # a page's own style blocks; past this the rest is not read
HIDE = "hide"
SHOW = "show"
MARK = "data-gk-hidden"  # attribute the tree reader sets on elements it must skip
# attributes kept on elements while the tree is built, so that selectors can be matched
SELECTOR_ATTRS = ("class", "id")


@dataclass(frozen=True)
class HidingRule:
    """One selector of a style rule that sets display or visibility."""

    xpath: str
    compound: tuple[str | None, frozenset[str], str | None] | None  # (tag, classes, id)
    key: tuple  # (important, specificity, order): the larger key wins
    prop: str  # "display" | "visibility"
    effect: str  # HIDE | SHOW


@dataclass
class PageStyle:
    rules: list[HidingRule] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def mark_tree(self, root) -> None:
        """Set MARK on every element the page hides (inline decisions were kept by
        inline_decisions as attributes; see strip_attributes)."""
        winners: dict = {}
        for rule in self.rules:
            try:
                matched = root.xpath(rule.xpath)
            except etree.XPathError:  # a selector lxml cannot evaluate hides nothing
                continue
            for el in matched:
                best = winners.setdefault(el, {})
                if rule.prop not in best or best[rule.prop][0] <= rule.key:
                    best[rule.prop] = (rule.key, rule.effect)
        for el, best in winners.items():
            if _decide(el.get("data-gk-display"), el.get("data-gk-visibility"), el, best):
                el.set(MARK, "1")
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            attrib = el.attrib
            if el not in winners and _decide(
                attrib.get("data-gk-display"), attrib.get("data-gk-visibility"), el, {}
            ):
                attrib[MARK] = "1"
            for name in ("data-gk-display", "data-gk-visibility", "data-gk-attr"):
                attrib.pop(name, None)

    def hides_flat(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        """The same decision for the event reader, which sees one tag at a time: only rules
        whose selector is one compound (tag, .class, #id) are matched there."""
        values = {k: v or "" for k, v in attrs}
        inline = inline_decisions(values)
        if inline is None:
            return True
        best: dict = {}
        classes = set(values.get("class", "").split())
        ident = values.get("id")
        for rule in self.rules:
            if rule.compound is None:
                continue
            r_tag, r_classes, r_id = rule.compound
            if (r_tag and r_tag != tag) or not r_classes <= classes or (r_id and r_id != ident):
                continue
            if rule.prop not in best or best[rule.prop][0] <= rule.key:
                best[rule.prop] = (rule.key, rule.effect)
        display, visibility, attr_hidden = inline
        return _decide_values(display, visibility, attr_hidden, best)


def inline_decisions(attrib) -> tuple[str | None, str | None, bool] | None:
    """(inline display effect, inline visibility effect, has the `hidden` attribute), or None
    when the element is hidden whatever the style sheet says (aria-hidden, an inline
    `!important` hiding)."""
    if str(attrib.get("aria-hidden", "")).strip().lower() == "true":
        return None
    display = visibility = None
    style = attrib.get("style")
    if style and _MENTIONS.search(style):
        for name, effect, important in _declarations(style):
            if important and effect == HIDE:
                return None
            if name == "display":
                display = effect
            else:
                visibility = effect
    return display, visibility, "hidden" in attrib


def strip_attributes(el, keep_selectors: bool) -> None:
    """Drop an element's attributes as the tree is built (a Word page is mostly style
    attributes), keeping what the hiding decision needs."""
    attrib = el.attrib
    inline = inline_decisions(attrib)
    kept = {k: attrib[k] for k in SELECTOR_ATTRS if keep_selectors and k in attrib}
    attrib.clear()
    if inline is None:
        attrib[MARK] = "1"
        return
    display, visibility, attr_hidden = inline
    if not keep_selectors:  # no style rules: the inline style and the attribute decide
        if _decide_values(display, visibility, attr_hidden, {}):
            attrib[MARK] = "1"
        return
    attrib.update(kept)
    for name, value in (("data-gk-display", display), ("data-gk-visibility", visibility)):
        if value:
            attrib[name] = value
    if attr_hidden:
        attrib["data-gk-attr"] = "1"


def _decide(display, visibility, el, best) -> bool:
    return _decide_values(display, visibility, el.get("data-gk-attr") == "1", best)


def _decide_values(display, visibility, attr_hidden: bool, best: dict) -> bool:
    """Hidden when the winning display is none or the winning visibility hides. Inline style
    beats every sheet rule but an `!important` one; the `hidden` attribute loses to both."""
    for prop, inline in (("display", display), ("visibility", visibility)):
        sheet = best.get(prop)
        if sheet is not None and sheet[0][0]:  # !important in the sheet
            effect = sheet[1]
        elif inline is not None:
            effect = inline
        elif sheet is not None:
            effect = sheet[1]
        elif prop == "display" and attr_hidden:
            effect = HIDE
        else:
            effect = None
        if effect == HIDE:
            return True
    return False


def page_style(text: str) -> PageStyle:
    """The rules of the page's own `<style>` blocks that set display or visibility."""
    if "<style" not in text and "<STYLE" not in text and not re.search(r"<style", text, re.I):
        return PageStyle()
    chunks, size = [], 0
    for m in _STYLE_BLOCK.finditer(text):
        if _PRINT_ONLY.search(m.group(1)) or not _MENTIONS.search(m.group(2)):
            continue
        chunks.append(m.group(2))
        size += len(m.group(2))
        if size > MAX_CSS_CHARS:
            break
    if not chunks:
        return PageStyle()
    import tinycss2

    rules: list[HidingRule] = []
    _collect(tinycss2.parse_stylesheet("\n".join(chunks), True, True), rules)
    return PageStyle(rules)


def _collect(nodes, rules: list[HidingRule]) -> None:
    import tinycss2

    for node in nodes:
        if node.type == "at-rule" and node.content is not None:
            if node.lower_at_keyword == "supports" or (
                node.lower_at_keyword == "media" and _screen_media(node.prelude)
            ):
                _collect(tinycss2.parse_rule_list(node.content, True, True), rules)
            continue
        if node.type != "qualified-rule":
            continue
        body = tinycss2.serialize(node.content)
        if not _MENTIONS.search(body):
            continue
        decls = _declarations(body)
        if decls:
            _add_selectors(tinycss2.serialize(node.prelude), decls, rules)


def _screen_media(prelude) -> bool:
    import tinycss2

    words = tinycss2.serialize(prelude).strip().lower()
    return all(q.strip() in ("screen", "all", "only screen") for q in words.split(","))


def _add_selectors(selector_text: str, decls, rules: list[HidingRule]) -> None:
    import cssselect

    try:
        selectors = cssselect.parse(selector_text)
    except cssselect.SelectorError:
        return  # a selector cssselect cannot read (a browser would drop the rule too)
    translator = cssselect.HTMLTranslator()
    for selector in selectors:
        if selector.pseudo_element:
            continue  # ::before/::after hide generated content, not the element
        try:
            xpath = translator.selector_to_xpath(selector)
        except cssselect.ExpressionError:
            continue  # :hover and the like: never true for a page read at rest
        for name, effect, important in decls:
            rules.append(
                HidingRule(
                    xpath,
                    _compound(selector.parsed_tree),
                    (important, selector.specificity(), len(rules)),
                    name,
                    effect,
                )
            )


def _compound(tree) -> tuple[str | None, frozenset[str], str | None] | None:
    """(tag, classes, id) of a selector made of one compound, else None."""
    from cssselect.parser import Class, Element, Hash

    classes: set[str] = set()
    ident = None
    while True:
        if isinstance(tree, Class):
            classes.add(tree.class_name)
            tree = tree.selector
        elif isinstance(tree, Hash):
            ident = tree.id
            tree = tree.selector
        elif isinstance(tree, Element):
            tag = tree.element.lower() if tree.element else None
            return tag, frozenset(classes), ident
        else:
            return None


def _declarations(text: str) -> list[tuple[str, str, bool]]:
    """(property, HIDE | SHOW, important) for each display/visibility declaration."""
    import tinycss2

    out = []
    for decl in tinycss2.parse_blocks_contents(text, True, True):
        if decl.type != "declaration" or decl.lower_name not in ("display", "visibility"):
            continue
        words = [t.lower_value for t in decl.value if t.type == "ident"]
        if not words:
            continue
        if decl.lower_name == "display":
            effect = HIDE if words[0] == "none" else SHOW
        else:
            effect = HIDE if words[0] in ("hidden", "collapse") else SHOW
        out.append((decl.lower_name, effect, bool(decl.important)))
    return out
