"""Words the report prints wrong, for every template (category typo_wording, place DOC):
a paragraph that stops in the middle of a word right before the next heading
(「……推进政府信息公」 then 「二、主动公开……」, wording.cut_word) and two characters or a
character and its word printed in swapped order (「社会度关注较高」 for 社会关注度,
「信息理管」 for 管理, wording.transposed_word).

Judged on jieba's maintained dictionary (words and their frequencies), never on a list fitted to
one file, and built for precision: conversions damage text too, and their damage is never the
agency's fault.

- A word cut at a page or line break is the reader's: the next line continues it (a PDF page
  number between the halves, a wrapped 第 + 二、三季度). So a paragraph (its wrapped lines joined)
  counts as cut only where the next line is a heading, the paragraph is running prose (a comma
  or 顿号, no table cells at its end) and its last characters are no complete word: the
  dictionary knows them only as the start of longer words (年度报 → 年度报告), or the last
  character starts words more often than it ends one or stands alone (公 of 公开、公共).
  A word cut inside a sentence (「审查管，」) is not judged: a lone last character there is too
  often whole (「要求严，」).
- A swap is flagged only where the dictionary has no word for the printed characters, the
  swapped order is a common word of the dictionary, the swap makes the sentence much more
  probable under the dictionary's word frequencies, and the report itself prints that word
  elsewhere next to the same character (「社会度关注」 beside 「社会关注度高」). A form the report
  repeats is its own usage, never a slip (政民互动, even beside 民政局).

On a report read by OCR every finding goes to the analyst (responsibility reader).
"""

from __future__ import annotations

import re
from functools import lru_cache

from etl.report import Finding, ParsedReport
from etl.validate.slips import readers_on_scans

_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"^[\u4e00-\u9fff]+$")
# A line that starts a new part: 二、 （三） 3. 第二部分 四是 表三 — the paragraph before it is over.
_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?:第[一二三四五六七八九十]+(?:部分|章|节)|[一二三四五六七八九十]+\s*[、.．]"
    r"|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}\s*[、.．](?!\d)|[一二三四五六七八九十]是"
    r"|表[一二三四]|附[件表])"
)
_PROSE_MARK = re.compile(r"[，,、；;]")
_CLOSING = 0.5  # a last character that starts words more often than it ends one or stands alone
_NONE = "\x00"  # no neighbouring character: matches nothing in the text
_CELLS = re.compile(r"[\d\s|｜]")
_SENTENCE_END = re.compile(r"[。！!？?；;：:…]")
_SWAP_GAIN = 2.0  # log-probability the swap must add to the sentence (e^2 ≈ 7 times likelier)
_SWAP_MIN_FREQ = 20  # the swapped word is a word of the language, not a dictionary oddity
_CLAUSE = re.compile(r"[。；;！!？?，,、：:\n]")
_WINDOWS = tuple(re.compile(r"(?=([\u4e00-\u9fff]{%d}))" % n) for n in (2, 3, 4))


@lru_cache(maxsize=1)
def _dictionary():
    from etl.validate.wording import initialized_jieba

    return initialized_jieba().dt


def _freq(word: str) -> int | None:
    """The word's dictionary frequency; 0 for a proper prefix of a word; None if unknown."""
    return _dictionary().FREQ.get(word)


def _tokens(text: str) -> list[str]:
    from etl.validate.wording import initialized_jieba

    return initialized_jieba().lcut(text, HMM=False)  # dictionary words only: no guessed new words


def word_slip_findings(report: ParsedReport) -> list[Finding]:
    if report.template == "not_a_report" or not report.prose:
        return []
    return readers_on_scans(report, _cut_words(report.prose) + _transposed_words(report.prose))


# ── a paragraph cut in the middle of a word ──


def _cut_words(prose: tuple[str, ...]) -> list[Finding]:
    hits = []
    for paragraph, following in _paragraphs_before_headings(prose):
        if not _HAN_RUN.match(paragraph[-3:]) or _CELLS.search(paragraph[-8:]):
            continue  # ends in punctuation, a figure or a table row's cells (… 0 无 无)
        if not _PROSE_MARK.search(paragraph) or len(_HAN.findall(paragraph)) < 12:
            continue  # a heading or a table label, not running prose
        if _cut_stub(paragraph, following):
            hits.append(f"「…{paragraph[-16:]}」（其后为「{following[:12]}」）")
    if not hits:
        return []
    return [
        Finding(
            "wording.cut_word",
            (),
            None,
            None,
            f"段落在词语中间中断：{'；'.join(hits[:3])}",
        )
    ]


def _paragraphs_before_headings(prose: tuple[str, ...]):
    """(paragraph, the heading line after it): a paragraph is the lines since the last one that
    ended a sentence, joined (a PDF wraps a paragraph over several lines)."""
    lines = [line.strip() for line in prose if line.strip()]
    paragraph: list[str] = []
    for line, following in zip(lines, lines[1:]):
        if _HEADING.match(line):
            paragraph = []  # a heading starts the paragraph
        paragraph.append(line)
        if _HEADING.match(following):
            yield "".join(paragraph), following
            paragraph = []
        elif _SENTENCE_END.search(line[-1]):
            paragraph = []


def _cut_stub(paragraph: str, following: str) -> str | None:
    """The unfinished word at the end of `paragraph`, or None when it ends on a whole word."""
    tokens = _tokens(paragraph[-12:])
    last = tokens[-1]
    if not _HAN_RUN.match(last) or len(tokens) < 2:
        return None
    head = _HEADING.sub("", following, count=1).lstrip("#、.． ")
    if any((_freq(last + nxt[:k]) or 0) > 0 for nxt in (following, head) for k in (1, 2, 3)):
        return None  # the word goes on in the next line (第 + 二、三季度): a wrap, not a cut
    for k in range(2, 5):  # 年度报: known only as the start of 年度报告
        tail = paragraph[-k:]
        if _HAN_RUN.match(tail) and _freq(tail) == 0 and (_freq(tail[-2:]) or 0) == 0:
            return tail
    if len(last) == 1 and not _freq(tokens[-2] + last) and _closing(last) < _CLOSING:
        return last  # 公、运、提 end a sentence only as the start of 公开、运行、提升
    return None


@lru_cache(maxsize=4096)
def _closing(char: str) -> float:
    """How often the character ends a word or stands alone, against how often it starts one."""
    starts, ends = _word_edges()
    alone = _freq(char) or 0
    closing = alone + ends.get(char, 0)
    return closing / (closing + starts.get(char, 0) + 1)


@lru_cache(maxsize=1)
def _word_edges() -> tuple[dict[str, int], dict[str, int]]:
    """Per character, the total frequency of the dictionary's longer words it starts and ends."""
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for word, freq in _dictionary().FREQ.items():
        if freq and len(word) >= 2:
            starts[word[0]] = starts.get(word[0], 0) + freq
            ends[word[-1]] = ends.get(word[-1], 0) + freq
    return starts, ends


# ── two characters printed in swapped order ──


def _log_probability(sentence: str) -> float:
    """The sentence's best segmentation's log-probability under the dictionary's frequencies."""
    dictionary = _dictionary()
    route: dict = {}
    dictionary.calc(sentence, dictionary.get_DAG(sentence), route)
    return route[0][0]


def _transposed_words(prose: tuple[str, ...]) -> list[Finding]:
    text = "".join(prose)
    hits: list[str] = []
    seen: set[str] = set()
    forms = _swapped_forms()
    # every run of 2–4 Han characters (overlapping): the forms and their words are Han only, and
    # the regex engine lists them ×2–3 faster than slicing every window of the text
    pieces: set[str] = set()
    for window in _WINDOWS:
        pieces.update(window.findall(text))
    # swapped forms of words the report prints elsewhere: most reports have none, and then the
    # segmenter is never asked
    suspects = [p for p in forms.keys() & pieces if forms[p] in pieces and text.count(p) == 1]
    for line in prose:
        for sentence in _CLAUSE.split(line):
            if not any(p in sentence for p in suspects):
                continue
            for printed, meant, before, after in _swaps(sentence):
                if printed in seen or text.count(printed) > 1:
                    continue  # a term the report repeats is its usage (政民互动), not a slip
                if before + meant not in text and meant + after not in text:
                    continue  # the report never prints the word in that place (民政局 ≠ 拓宽政民)
                quote = sentence if len(sentence) <= 30 else _around(sentence, printed)
                seen.add(printed)
                hits.append(f"「{quote}」中“{printed}”应为“{meant}”")
    if not hits:
        return []
    return [
        Finding(
            "wording.transposed_word",
            (),
            None,
            None,
            f"正文中字词顺序颠倒：{'；'.join(hits[:3])}",
        )
    ]


@lru_cache(maxsize=1)
def _swapped_forms() -> dict[str, str]:
    """Printed form → word, for each word of the dictionary (2–4 characters, not rare) with its
    first or last character moved to the other end (管理 → 理管, 关注度 → 度关注), where the
    dictionary knows no such form: the only places a swap is looked for."""
    forms: dict[str, str] = {}
    freq = _dictionary().FREQ
    for word, count in freq.items():
        if count >= _SWAP_MIN_FREQ and 2 <= len(word) <= 4 and _HAN_RUN.match(word):
            for form in (word[-1] + word[:-1], word[1:] + word[0]):
                if form not in freq:
                    forms.setdefault(form, word)
    return forms


def _swaps(sentence: str):
    """(printed, meant, character before, character after) for each lone character whose swap
    with its neighbour word makes a dictionary word the sentence is much likelier with."""
    tokens = _tokens(sentence)
    starts = [0]
    for token in tokens:
        starts.append(starts[-1] + len(token))
    base = None
    for k, token in enumerate(tokens):
        if len(token) != 1 or not _HAN.match(token):
            continue
        for j in (k - 1, k + 1):  # the neighbour word before or after the lone character
            if not 0 <= j < len(tokens) or not _HAN_RUN.match(tokens[j]):
                continue
            a, b = starts[min(j, k)], starts[max(j, k) + 1]
            printed = sentence[a:b]
            meant = tokens[j] + token if j > k else token + tokens[j]
            if _freq(printed) is not None or (_freq(meant) or 0) < _SWAP_MIN_FREQ:
                continue
            if _crosses_word(sentence, a) or _crosses_word(sentence, b):
                continue  # a character of the window belongs to a word outside it
            if _lone(tokens, 2 * k - j):
                continue  # lone characters in a row: a word the dictionary lacks (微/信/公开)
            base = _log_probability(sentence) if base is None else base
            swapped = sentence[:a] + meant + sentence[b:]
            if _log_probability(swapped) - base >= _SWAP_GAIN:
                yield printed, meant, sentence[a - 1 : a] or _NONE, sentence[b : b + 1] or _NONE


def _around(sentence: str, printed: str) -> str:
    at = sentence.index(printed)
    return sentence[max(0, at - 12) : at + len(printed) + 12]


def _lone(tokens: list[str], i: int) -> bool:
    return 0 <= i < len(tokens) and len(tokens[i]) == 1 and bool(_HAN.match(tokens[i]))


def _crosses_word(sentence: str, cut: int) -> bool:
    """A word of two or three characters (not a dictionary rarity such as 管工) spans the
    boundary at `cut`."""
    for left in (1, 2):
        for right in (1, 2):
            if left + right <= 3 and cut - left >= 0 and cut + right <= len(sentence):
                if (_freq(sentence[cut - left : cut + right]) or 0) >= _SWAP_MIN_FREQ:
                    return True
    return False
