"""OCR accuracy and speed on image-only copies of the real report PDFs. Prints figures; not a test.

Every PDF in ../shared/real-reports (or data/reports/real-reports) with a truth file is rendered at 150 dpi in grey and
rebuilt as a PDF of page images with no text layer (what a scanner or a "print to image"
produces). The copy goes through the ordinary parser (parse_file), and each checked field is
compared with the hand-checked truth: right, wrong (and whether a finding names it: an OCR
low-confidence finding or any identity finding listing the cell), or missing. With --demo N,
N PDFs of the generated demo province (legacy 统计表 and std tables, another layout and font)
are checked the same way against their own text-layer reading. Run:

    .venv/bin/python bench/ocr.py [--dpi 150] [--keep DIR] [--demo 8]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.parse import parse_file  # noqa: E402

# ../shared when the project sits next to it, else the copies the repo carries (as tests do)
_SHARED = Path(os.environ.get("GONGKAI_SHARED") or ROOT.parent / "shared")
REAL = (
    _SHARED if (_SHARED / "real-reports").is_dir() else ROOT / "data" / "reports"
) / "real-reports"


def image_only_copy(pdf_path: Path, dpi: int = 150, pages: list[int] | None = None) -> bytes:
    """The PDF's pages rendered to grey images and rebuilt as a PDF without any text layer."""
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(str(pdf_path))
    images: list[Image.Image] = []
    for index in pages if pages is not None else range(len(pdf)):
        page = pdf[index]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        images.append(bitmap.to_pil().convert("L").copy())
        bitmap.close()
        page.close()
    pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return out.getvalue()


def flagged_keys(report) -> set[str]:
    return {cell for f in report.findings for cell in f.cells}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--keep", help="folder to keep the image-only copies in")
    ap.add_argument("--demo", type=int, default=0, help="also check this many demo PDFs")
    args = ap.parse_args()
    truths = sorted(
        p
        for p in REAL.glob("*.truth.json")
        if json.loads(p.read_text(encoding="utf-8"))["file"].endswith(".pdf")
    )
    right = checked = wrong_flagged = pages = 0
    wrong: list[str] = []
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for truth_path in truths:
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            source = REAL / truth["file"]
            copy = folder / f"{source.stem}.image-only.pdf"
            copy.write_bytes(image_only_copy(source, args.dpi))
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(str(copy))
            n_pages = len(doc)
            assert not any(doc[i].get_textpage().count_chars() for i in range(n_pages))
            doc.close()
            started = time.perf_counter()
            report = parse_file(copy)
            seconds += time.perf_counter() - started
            pages += n_pages
            flagged = flagged_keys(report)
            sources = {v.source for v in report.values.values()}
            file_right = 0
            for key, expected in truth["values"].items():
                checked += 1
                got = report.values.get(key)
                if got is not None and got.value == expected:
                    right += 1
                    file_right += 1
                    continue
                is_flagged = key in flagged
                wrong_flagged += is_flagged
                wrong.append(
                    f"  {source.name} {key}: expected {expected}, read "
                    f"{'nothing' if got is None else repr(got.raw)}"
                    f"{'' if is_flagged else '  (NOT FLAGGED)'}"
                )
            print(
                f"{source.name}: {n_pages} pages, {file_right}/{len(truth['values'])} fields "
                f"right, value sources {sorted(sources)}, "
                f"{sum(f.rule == 'ocr.low_confidence' for f in report.findings)} low-confidence "
                f"findings"
            )
    if args.demo:
        _demo(args.demo, args.dpi)
    print(
        "\n".join(wrong[:60]) + (f"\n  ... and {len(wrong) - 60} more" if len(wrong) > 60 else "")
    )
    print(
        f"fields right: {right}/{checked} ({100 * right / max(checked, 1):.1f}%); "
        f"wrong fields flagged: {wrong_flagged}/{checked - right}; "
        f"{seconds / max(pages, 1):.1f} s per page ({pages} pages, {args.dpi} dpi grey)"
    )


def _demo(count: int, dpi: int) -> None:
    from demo.generate import generate

    right = checked = unflagged = pages = 0
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "demo")
        for source in sorted((Path(tmp) / "demo").rglob("*.pdf"))[:count]:
            reference = parse_file(source)
            copy = Path(tmp) / f"{source.stem}.image-only.pdf"
            copy.write_bytes(image_only_copy(source, dpi))
            started = time.perf_counter()
            report = parse_file(copy)
            seconds += time.perf_counter() - started
            import pypdfium2 as pdfium

            pages += len(pdfium.PdfDocument(str(copy)))
            flagged = flagged_keys(report)
            misses = [
                k
                for k, v in reference.values.items()
                if k not in report.values or report.values[k].value != v.value
            ]
            checked += len(reference.values)
            right += len(reference.values) - len(misses)
            unflagged += sum(k not in flagged for k in misses)
            print(
                f"demo {source.name} ({reference.template}): "
                f"{len(reference.values) - len(misses)}/{len(reference.values)} as the text "
                f"layer reads; not matching: {', '.join(misses) or '-'}"
            )
    print(
        f"demo PDFs: {right}/{checked} fields as the text layer reads "
        f"({100 * right / max(checked, 1):.1f}%), {unflagged} of the others without a finding; "
        f"{seconds / max(pages, 1):.1f} s per page"
    )


if __name__ == "__main__":
    main()
