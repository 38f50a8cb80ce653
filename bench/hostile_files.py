"""Hostile files, one per family of etl/limits.py, and what each costs to parse. Not a test.

Each family is built in a temporary folder (from the real reports where a real report is
needed) and parsed by `python -m gongkai parse FILE` in a child process; printed are the
seconds, the peak RSS of its largest process, the peak RSS summed over all its processes (the
CLI and the parse worker it forks; sampled every 0.1 s) and the outcome (the refusal's first
words). The child gets an address-space cap (--cap-gb, default 3) so that a file that is not
bounded hurts no one on a shared machine: "cap" in the output means it hit that cap (or
crashed), not gongkai's own refusal. Run:

    .venv/bin/python bench/hostile_files.py [--cap-gb 3] [--timeout 120] [--root DIR] [FAMILY ...]
    .venv/bin/python bench/hostile_files.py --load   # all of them in one load, 2 workers
    .venv/bin/python bench/hostile_files.py --load --copies 4   # a load of fewer than 32 files

(--root: another checkout to measure, e.g. `git archive HEAD~3 | tar -x -C /tmp/before`.)

tests/gongkai/test_bounded_work.py builds the same families (smaller, where the limit allows)
with these functions and those of bench/hostile_zips.py (DOCX and XLSX) and bench/hostile_pdfs.py.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hostile_pdfs import (  # noqa: E402 - the repository root is on sys.path now
    encrypted_metadata_bomb,
    encrypted_object_stream_bomb,
    noise_scan_pdf,
    packed_array_bomb,
    packed_contents_bomb,
)
from bench.hostile_zips import docx_bytes, xlsx_shared_strings  # noqa: E402
from bench.peak_rss import descendants_rss_mb, group_rss_mb, measure  # noqa: E402


def _real(name: str) -> Path:
    shared = ROOT.parent / "shared" / "real-reports" / name
    return shared if shared.exists() else ROOT / "data" / "reports" / "real-reports" / name


HONGZE = _real("hongze_2024.pdf")
SHUYANG = _real("shuyang_2025.md")


# --- PDF -------------------------------------------------------------------------------------


def max_size_page_pdf(side: float = 14400) -> bytes:
    """A few hundred bytes of hand-written PDF: one page of side x side points (14400 is the
    largest PDF allows) with a square drawn on it and no text (so it would go to OCR)."""
    stream = b"0 0 0 rg 100 100 500 500 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (side, side),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_with_blank_pages(blank: int, source: Path = HONGZE) -> bytes:
    """A real report with `blank` empty A4 pages appended (pdfium, as pypdf would)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source.read_bytes())
    for _ in range(blank):
        pdf.new_page(595, 842).close()
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


# --- images ----------------------------------------------------------------------------------


def multi_frame_tiff(frames: int, width: int = 2480, height: int = 3508) -> bytes:
    """A TIFF of `frames` white A4 pages at 300 dpi (1-bit, CCITT G4): a few KB per frame."""
    from PIL import Image

    page = Image.new("1", (width, height), 1)
    buf = io.BytesIO()
    page.save(buf, "TIFF", save_all=True, append_images=[page] * (frames - 1), compression="group4")
    return buf.getvalue()


# --- text ------------------------------------------------------------------------------------


def text_with_lines(lines: int, source: Path = SHUYANG) -> bytes:
    """A real text report followed by `lines` short lines."""
    return source.read_bytes() + b"x\n" * lines


def html_with_paragraphs(paragraphs: int, source: Path = SHUYANG) -> bytes:
    """A page holding a real report's lines, then `paragraphs` short paragraphs."""
    lines = "".join(f"<p>{line}</p>" for line in source.read_text(encoding="utf-8").splitlines())
    filler = "<p>段</p>" * paragraphs
    return f"<html><body>{lines}{filler}</body></html>".encode()


def word_export_html(mb: int) -> bytes:
    """A real report as a Word "save as web page" of `mb` MB: an inline base64 picture (most of
    the bytes) and hidden navigation markup before it (tests/gongkai/conftest.py's huge_html)."""
    from tests.gongkai.conftest import huge_html

    return huge_html(2016, mb)


# --- the families, at the sizes measured -----------------------------------------------------

FAMILIES = {
    "max_size_page.pdf": lambda: max_size_page_pdf(),
    # pages packed in a compressed object stream (bench/hostile_pdfs.py)
    "packed_contents_20x100mb.pdf": lambda: packed_contents_bomb(100 << 20, 20),
    "packed_array_20x100mb.pdf": lambda: packed_array_bomb(100 << 20, 20),
    "encrypted_objstm_2gb.pdf": lambda: encrypted_object_stream_bomb(2 << 30),
    "encrypted_objstm_aes256_2gb.pdf": lambda: encrypted_object_stream_bomb(2 << 30, "aes-256"),
    "encrypted_xmp_aes128_2gb.pdf": lambda: encrypted_metadata_bomb(2 << 30, "aes-128"),
    "noise_scan_60_pages.pdf": lambda: noise_scan_pdf(60),
    "report_plus_5000_blank.pdf": lambda: pdf_with_blank_pages(5000),
    "tiff_40_frames.tif": lambda: multi_frame_tiff(40),
    "tiff_80_frames.tif": lambda: multi_frame_tiff(80),
    "lying_zip_2gb.docx": lambda: docx_bytes(["报告"], filler_mb=2048, declare=4096),
    "document_xml_190mb.docx": lambda: docx_bytes(f"第{n}段" for n in range(4_500_000)),
    "xlsx_4m_strings.xlsx": lambda: xlsx_shared_strings(4_000_000),
    "text_2m_lines.txt": lambda: text_with_lines(2_000_000),
    "html_1_7m_paragraphs.html": lambda: html_with_paragraphs(1_700_000),
    "html_word_export_50mb.html": lambda: word_export_html(50),
}


def run(
    path: Path, cap_gb: float, timeout: float, root: Path = ROOT
) -> tuple[float, int, int, str]:
    """(seconds, peak RSS in MB of its largest process, peak summed RSS in MB of all its
    processes, outcome) of `gongkai parse path` in a capped child. The sum is sampled every
    0.1 s over every process this script started (the launcher, the CLI, its parse worker)."""
    stop, tree_peak = threading.Event(), [0]

    def sample() -> None:
        while not stop.wait(0.1):
            tree_peak[0] = max(tree_peak[0], descendants_rss_mb(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        done = measure(
            [sys.executable, "-m", "gongkai", "parse", str(path)],
            cwd=root,
            timeout=timeout,
            address_space_bytes=int(cap_gb * (1 << 30)),
        )
    finally:
        stop.set()
        sampler.join()
    lines = done.stderr.strip().splitlines()
    if done.timed_out:
        outcome = f"still running after {timeout:.0f} s (killed)"
    else:
        outcome = lines[-1] if lines else f"exit {done.returncode}"
    outcome = outcome.replace(str(path), path.name)
    if "MemoryError" in outcome or done.returncode < 0:  # not gongkai's own refusal
        outcome = f"hit the {cap_gb:g} GB cap or crashed (exit {done.returncode}): {outcome[-80:]}"
    return done.seconds, done.peak_kb // 1024, tree_peak[0], outcome


def load_all(folder: Path, cap_gb: float, timeout: float, root: Path, copies: int = 30) -> None:
    """`gongkai load` of every family plus `copies` copies of real reports with 2 parse workers:
    the seconds, and the peak summed RSS of the whole process group (sampled every 0.2 s). With
    few copies the load has fewer than etl.pipeline.MIN_PARALLEL files (a small load)."""
    for name, build in FAMILIES.items():
        (folder / name).write_bytes(build())
    for n in range(copies):
        year = 2009 + n % 15  # the real report moved to another year (as tests do)
        text = SHUYANG.read_text(encoding="utf-8").replace("2026年", f"{year + 1}年")
        (folder / f"real_{n}.md").write_text(text.replace("2025", str(year)), encoding="utf-8")

    def cap() -> None:
        limit = int(cap_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    db = folder.parent / "load.duckdb"
    started, peak = time.monotonic(), 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "gongkai", "load", str(folder), "--db", str(db)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=cap,
        start_new_session=True,
        env=dict(os.environ, GONGKAI_WORKERS="2"),
    )
    out = []
    reader = threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True)
    reader.start()
    while proc.poll() is None and time.monotonic() - started < timeout:
        peak = max(peak, group_rss_mb(proc.pid))
        time.sleep(0.2)
    if proc.poll() is None:
        os.killpg(proc.pid, 9)  # the group this script started
    proc.wait()
    reader.join(5)
    print(
        f"load of {len(list(folder.iterdir()))} files: {time.monotonic() - started:.1f} s, "
        f"peak process-group RSS {peak:,} MB, exit {proc.returncode}"
    )
    lines = [line.decode("utf-8", "replace").rstrip() for line in out]
    tail = [line for line in lines[-4:] if "failed:" not in line]
    for line in [line for line in lines if "failed:" in line] + tail:  # each refusal
        print("  ", line[:150])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("families", nargs="*", default=list(FAMILIES))
    parser.add_argument("--cap-gb", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the gongkai checkout to run (e.g. an older one)"
    )
    parser.add_argument("--load", action="store_true", help="one `gongkai load` of them all")
    parser.add_argument(
        "--copies", type=int, default=30, help="real reports added to --load (4: a small load)"
    )
    args = parser.parse_args()
    if args.load:
        with tempfile.TemporaryDirectory(prefix="gongkai-hostile-") as tmp:
            folder = Path(tmp) / "files"
            folder.mkdir()
            load_all(folder, args.cap_gb, args.timeout, args.root, args.copies)
        return
    with tempfile.TemporaryDirectory(prefix="gongkai-hostile-") as tmp:
        for name in args.families:
            path = Path(tmp) / name
            path.write_bytes(FAMILIES[name]())
            seconds, peak, tree, outcome = run(path, args.cap_gb, args.timeout, args.root)
            size = os.path.getsize(path)
            print(
                f"{name:28} {size / 1024:>9,.0f} KB {seconds:6.1f} s {peak:>6,} MB "
                f"{tree:>6,} MB  {outcome[:110]}",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
