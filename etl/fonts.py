"""Where the CJK font for PDFs is: the one lookup the PDF export (exports/pdf.py) and the demo
generator's PDFs (demo/office.py) share, so it sits in the bottom layer both may import.

The font is Debian's fonts-noto-cjk (scripts/setup installs it as root; see the README for why a
system package rather than one from PyPI). GONGKAI_CJK_FONT points at any other font file with
Chinese glyphs. A missing font is a MissingFontError whose text is one line: what is missing and
the exact command that installs it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.gongkai_error import ENVIRONMENT, GongkaiError
from etl.settings import current

INSTALL_HINT = (
    "install the Debian package fonts-noto-cjk (sudo apt-get install -y fonts-noto-cjk), "
    "or set GONGKAI_CJK_FONT to a .ttf/.otf/.ttc file with Chinese glyphs"
)


class MissingFontError(GongkaiError):
    """No usable CJK font file was found for a PDF."""

    exit_code = ENVIRONMENT
    keep_traceback = True  # deep inside a build or export: the log shows which output needed it


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # face number inside a .ttc/.otc collection


FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)
FONT_FILES = {
    "": (
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJKsc-Regular.otf",
        "NotoSansSC-Regular.otf",
        "NotoSerifCJK-Regular.ttc",
        "NotoSansCJK-Regular.otc",
    ),
    "B": (
        "NotoSansCJK-Bold.ttc",
        "NotoSansCJKsc-Bold.otf",
        "NotoSansSC-Bold.otf",
        "NotoSerifCJK-Bold.ttc",
        "NotoSansCJK-Bold.otc",
    ),
}


def cjk_fonts(dirs: tuple[Path, ...] | None = None) -> dict[str, FontFile]:
    """Regular and bold CJK font files ('' and 'B'); bold falls back to regular.

    Debian's fonts-noto-cjk ships only .ttc collections; fpdf2 (≥2.8) reads them given the face
    number, so the Simplified Chinese face is picked by name rather than assuming an index.
    GONGKAI_CJK_FONT overrides the regular face with any .ttf/.otf/.ttc file.
    """
    override = current().cjk_font
    dirs = FONT_DIRS if dirs is None else dirs
    found: dict[str, FontFile] = {}
    for style, names in FONT_FILES.items():
        for name in names:
            hit = next((d / name for d in dirs if (d / name).is_file()), None)
            if hit:
                found[style] = FontFile(hit, _sc_face(str(hit)))
                break
    if override:
        if not Path(override).is_file():
            raise MissingFontError(
                f"GONGKAI_CJK_FONT={override}: no such font file; set it to a "
                ".ttf/.otf/.ttc file with Chinese glyphs, or unset it"
            )
        found[""] = FontFile(Path(override), _sc_face(override))
    if "" not in found:
        raise MissingFontError(
            "no Chinese (CJK) font for the PDFs: looked for Noto Sans CJK in "
            + ", ".join(str(d) for d in dirs)
            + "; "
            + INSTALL_HINT
        )
    found.setdefault("B", found[""])
    return found


@lru_cache(maxsize=16)
def _sc_face(path: str) -> int:
    """The face number of the Simplified Chinese face in a collection (0 for a single font)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection, TTLibError

    try:
        with TTCollection(path, lazy=True) as collection:
            names = [f["name"].getDebugName(1) or "" for f in collection.fonts]
    # what fontTools raised on 600 damaged copies of a Noto CJK collection (bytes replaced in its
    # header and name table, cut short), and OSError for a file that cannot be read
    except (
        TTLibError,
        struct.error,
        KeyError,
        AssertionError,
        IndexError,
        ValueError,
        OSError,
    ) as exc:
        raise MissingFontError(
            f"{path}: not a readable font collection ({type(exc).__name__}); " + INSTALL_HINT
        ) from None
    for wanted in (" SC", "SC", "CN"):
        for i, n in enumerate(names):
            if n.endswith(wanted) and "Mono" not in n:
                return i
    return 0
