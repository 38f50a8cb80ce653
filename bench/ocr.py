"""OCR accuracy and speed on image-only copies of real reports. Prints figures; not a test.

Sources, each made image-only here (pages rendered in grey and rebuilt as a PDF of images with
no text layer, what a scanner or a "print to image" produces):

- every PDF in ../shared/real-reports with a truth file, checked against the hand-checked truth;
- with --rebuilt, the real figures of the other real reports (Markdown, crawled text: their
  text-layer reading) printed again as ruled Word tables and turned into a PDF by LibreOffice,
  checked against the figures printed;
- with --demo N, N PDFs of the generated demo province, checked against their text layer.

Each copy can be degraded as real scans are (--variant, repeatable): dpi200, dpi300, skew
(1.5°), jpeg (quality 35), stamp (a seal ring over the table), photo (a slight perspective),
break (every page cut at the ruling nearest its middle into two whole pages: each table runs
on across a page break, its rows continued at the top of the next page without a heading).
Per file: fields right, wrong values stored (the one thing that must never happen; whether a
finding names them), values left out (with or without a finding) and the rule of the finding
that names each (its cause: ocr.unsettled, ocr.contradicted, ocr.cell_missing, …), and seconds
per page per core for each engine and together. Run:

    .venv/bin/python bench/ocr.py [--variant skew] [--rebuilt] [--demo 4] [--keep DIR]
                                  [--only hongze]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl import limits  # noqa: E402
from etl.parse import parse_file  # noqa: E402
from etl.settings import current  # noqa: E402

# ../shared when the project sits next to it, else the copies the repo carries (as tests do)
_SHARED = current().shared_dir or ROOT.parent / "shared"  # $GONGKAI_SHARED (etl.settings)
SHARED = _SHARED if (_SHARED / "real-reports").is_dir() else ROOT / "data" / "reports"
REAL = SHARED / "real-reports"
VARIANTS = ("plain", "dpi200", "dpi300", "skew", "jpeg", "stamp", "photo", "break")


def degrade(image, variant: str, page: int = 0):
    """A grey page image as a scanner or a phone would have made it."""
    from PIL import Image, ImageDraw

    if variant == "skew":
        angle = 1.5 if page % 2 == 0 else -1.2
        return image.rotate(angle, Image.BICUBIC, expand=False, fillcolor=255)
    if variant == "jpeg":
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=35)
        return Image.open(io.BytesIO(buf.getvalue())).convert("L")
    if variant == "stamp":  # a seal ring and a star in mid grey over the right half of the page
        out = image.copy()
        w, h = out.size
        draw = ImageDraw.Draw(out)
        cx, cy, r = int(w * 0.68), int(h * 0.45), int(w * 0.11)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=150, width=max(3, w // 300))
        draw.regular_polygon((cx, cy, r // 3), 5, fill=170)
        return out
    if variant == "photo":  # the top of the page a little narrower than the bottom
        w, h = image.size
        d = w * 0.02
        quad = (-d, 0, 0, h, w, h, w + d, 0)  # source corners: upper left, lower left, …
        return image.transform((w, h), Image.QUAD, quad, Image.BICUBIC, fillcolor=255)
    return image


def break_page(image) -> list:
    """The page cut at the horizontal ruling nearest its middle into two pages of its size: the
    top part over white, then the bottom part (its ruling repeated, as a table's border is at
    a page break) at the top of the next page. A page with no ruling stays whole."""
    import numpy as np
    from PIL import Image

    from etl.extract.scan_rulings import rulings, run_centres

    grey = np.asarray(image)
    h_mask, _ = rulings(grey)
    lines = run_centres(h_mask[:, int(grey.shape[1] * 0.6)])
    if not lines:
        return [image]
    cut = min(lines, key=lambda y: abs(y - grey.shape[0] // 2))
    top = np.full_like(grey, 255)
    top[: cut + 2] = grey[: cut + 2]
    margin = grey.shape[0] // 12  # the next page's top margin
    bottom = np.full_like(grey, 255)
    rest = grey[cut - 1 :][: grey.shape[0] - margin]
    bottom[margin : margin + rest.shape[0]] = rest
    return [Image.fromarray(top), Image.fromarray(bottom)]


def image_only_copy(
    pdf_path: Path | bytes, dpi: int = 150, pages: list[int] | None = None, variant: str = "plain"
) -> bytes:
    """The PDF's pages rendered to grey images (degraded as `variant`) and rebuilt as a PDF
    without any text layer."""
    import pypdfium2 as pdfium
    from PIL import Image

    if variant.startswith("dpi"):
        dpi = int(variant[3:])
    pdf = pdfium.PdfDocument(pdf_path if isinstance(pdf_path, bytes) else str(pdf_path))
    images: list[Image.Image] = []
    for n, index in enumerate(pages if pages is not None else range(len(pdf))):
        page = pdf[index]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        grey = degrade(bitmap.to_pil().convert("L").copy(), variant, n)
        images += break_page(grey) if variant == "break" else [grey]
        bitmap.close()
        page.close()
    pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return out.getvalue()


def rebuilt_pdf(values: dict[str, float], template: str, folder: Path, name: str) -> Path | None:
    """A real report's figures printed again as ruled Word tables (表二, 表三, 表四), converted
    to PDF by LibreOffice: another layout and typeface than the one real PDF."""
    import random

    from demo.layout import Block, Printer, Style, t2_table, t3_table, t4_table
    from demo.office import write_docx

    class Printed(dict):
        def __missing__(self, key):  # a cell the source does not print: "/" in the table
            return None

    values = Printed(values)
    printer = Printer(Style(), random.Random(0), False)
    collapse = any(k.startswith("t3.other.") and k.count(".") == 2 for k in values)
    blocks = [
        Block("title", "政府信息公开工作年度报告"),
        Block("h", "二、主动公开政府信息情况"),
        Block("table", table=t2_table(values, template, printer, set())),
        Block("h", "三、收到和处理政府信息公开申请情况"),
        Block("table", table=t3_table(values, template, printer, collapse)),
        Block("h", "四、政府信息公开行政复议、行政诉讼情况"),
        Block("table", table=t4_table(values, printer)),
    ]
    docx = folder / f"{name}.docx"
    docx.write_bytes(write_docx(blocks, "2025-01-20"))
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
        capture_output=True,
        timeout=180,
    )
    pdf = folder / f"{name}.pdf"
    return pdf if done.returncode == 0 and pdf.exists() else None


class EngineClock:
    """Seconds spent in each OCR engine (wraps the two entry points while it is open)."""

    def __init__(self):
        self.seconds = {"tesseract": 0.0, "rapid": 0.0}

    def __enter__(self):
        import etl.extract.ocr as ocr
        import etl.extract.scan_cells as scan_cells

        self._saved = (ocr.tesseract_words, scan_cells.read_crops)
        ocr.tesseract_words = self._timed("tesseract", ocr.tesseract_words)
        scan_cells.read_crops = self._timed("rapid", scan_cells.read_crops)
        return self

    def __exit__(self, *exc):
        import etl.extract.ocr as ocr
        import etl.extract.scan_cells as scan_cells

        ocr.tesseract_words, scan_cells.read_crops = self._saved

    def _timed(self, engine, fn):
        def call(*args, **kwargs):
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:  # Tesseract runs as a child process: count its CPU time too
                self.seconds[engine] += time.process_time() - started

        return call


def _child_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def check_copy(copy: Path, expected: dict[str, float], label: str, totals: dict) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(copy))
    n_pages = len(doc)
    assert not any(doc[i].get_textpage().count_chars() for i in range(n_pages))
    doc.close()
    child0, cpu0 = _child_cpu(), time.process_time()
    with EngineClock() as clock:
        report = parse_file(copy)
    tesseract_cpu = _child_cpu() - child0
    cpu = time.process_time() - cpu0 + tesseract_cpu
    flagged = {cell for f in report.findings for cell in f.cells}
    cause = {}  # cell -> the rule of the finding naming it (a reader finding before any other)
    for f in sorted(report.findings, key=lambda f: not f.rule.startswith("ocr.")):
        for cell in f.cells:
            cause.setdefault(cell, f.rule)
    right = wrong = missing = missing_silent = 0
    lines = []
    for key, want in expected.items():
        got = report.values.get(key)
        if got is not None and got.value == want:
            right += 1
        elif got is not None:
            wrong += 1
            lines.append(
                f"    WRONG {key}: {want} stored as {got.raw!r}"
                f"{'' if key in flagged else ' (no finding)'}"
            )
        else:
            missing += 1
            missing_silent += key not in flagged
            why = f"{label.rsplit('[', 1)[-1].rstrip(']')} {cause.get(key, 'no finding')}"
            totals.setdefault("causes", {})[why] = totals.get("causes", {}).get(why, 0) + 1
            lines.append(f"    left out {key} ({want}){'' if key in flagged else ' (no finding)'}")
    rapid = clock.seconds["rapid"]
    print(
        f"{label}: {n_pages} pages, {right}/{len(expected)} right, {wrong} wrong stored, "
        f"{missing} left out ({missing_silent} without a finding); s/page/core: "
        f"tesseract {tesseract_cpu / n_pages:.1f}, rapid {rapid / n_pages:.1f}, "
        f"all {cpu / n_pages:.1f}"
    )
    print("\n".join(lines[:25]))
    for k, v in (
        ("checked", len(expected)),
        ("right", right),
        ("wrong", wrong),
        ("missing", missing),
        ("silent", missing_silent),
        ("pages", n_pages),
        ("tesseract", tesseract_cpu),
        ("rapid", rapid),
        ("cpu", cpu),
    ):
        totals[k] = totals.get(k, 0) + v


def _table_values(report) -> dict[str, float]:
    return {k: v.value for k, v in report.values.items() if k.startswith(("t2.", "t3.", "t4."))}


def _rebuilt(source: Path, folder: Path) -> tuple[str, Path, dict] | None:
    """(label, PDF, expected): the figures printed that the PDF's text layer reads back."""
    report = parse_file(source)
    if report.template not in ("std2021", "std2019"):
        return None
    printed = _table_values(report)
    pdf = rebuilt_pdf(printed, report.template, folder, source.stem)
    if pdf is None:
        return None
    layer = _table_values(parse_file(pdf))
    return f"{source.name} rebuilt", pdf, {k: v for k, v in printed.items() if layer.get(k) == v}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", action="append", choices=VARIANTS)
    ap.add_argument("--keep", help="folder to keep the image-only copies in")
    ap.add_argument("--rebuilt", action="store_true", help="also the other real reports, rebuilt")
    ap.add_argument("--demo", type=int, default=0, help="also check this many demo PDFs")
    ap.add_argument("--only", action="append", help="only the copies whose name holds this")
    ap.add_argument(
        "--tesseract-only", action="store_true", help="as before issue #24: one engine, no vote"
    )
    args = ap.parse_args()
    # the figures are CPU seconds; a file's wall-time limit (etl.limits) is what a machine
    # shared with other work breaks first, so the bench gives each copy all the time it needs
    limits.LIMITS = dataclasses.replace(
        limits.LIMITS,
        ocr_seconds_per_page=600.0,
        ocr_file_seconds=3600.0,
        ocr_seconds_before_text=600.0,
    )
    if args.tesseract_only:
        import etl.extract.scan_cells as scan_cells
        import etl.parse.ocr_vote as vote

        scan_cells.read_crops = lambda crops: [("", 0.0)] * len(crops)
        vote.settle_scanned_cells = lambda report: report.meta.pop("ocr_readings", None)
    sources: list[tuple[str, Path, dict]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for truth_path in sorted(REAL.glob("*.truth.json")):
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            source = REAL / truth["file"]
            if source.suffix == ".pdf":
                sources.append((source.name, source, truth["values"]))
            elif args.rebuilt:
                sources.append(_rebuilt(source, folder))
        if args.rebuilt:
            sources += [_rebuilt(s, folder) for s in sorted((SHARED / "crawled").glob("*.txt"))]
        sources = [s for s in sources if s is not None]
        if args.only:
            sources = [s for s in sources if any(part in s[0] for part in args.only)]
        if args.demo:
            from demo.generate import generate

            generate(folder / "demo")
            for pdf in sorted((folder / "demo").rglob("*.pdf"))[: args.demo]:
                sources.append((f"demo {pdf.name}", pdf, _table_values(parse_file(pdf))))
        totals: dict = {}
        for variant in args.variant or ["plain"]:
            for label, source, expected in sources:
                copy = folder / f"{Path(label).stem}.{variant}.image-only.pdf"
                copy.write_bytes(image_only_copy(source, variant=variant))
                check_copy(copy, expected, f"{label} [{variant}]", totals)
    t = totals
    print(
        f"ALL: {t['right']}/{t['checked']} right ({100 * t['right'] / max(t['checked'], 1):.1f}%), "
        f"{t['wrong']} wrong stored, {t['missing']} left out ({t['silent']} without a finding); "
        f"s/page/core: tesseract {t['tesseract'] / t['pages']:.1f}, "
        f"rapid {t['rapid'] / t['pages']:.1f}, together {t['cpu'] / t['pages']:.1f} "
        f"({t['pages']} pages)"
    )
    for why, n in sorted(t.get("causes", {}).items()):
        print(f"  left out, by variant and cause: {why}: {n}")


if __name__ == "__main__":
    main()
