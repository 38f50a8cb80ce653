"""Old binary office files (.doc, .wps, .xls, .et) converted to .docx/.xlsx by LibreOffice.

The binary formats are read by nothing maintained in Python, while LibreOffice headless
converts them faithfully (tables stay tables). Each conversion runs with a private, throwaway
profile directory (so parallel workers and a user's own LibreOffice do not share a lock) and a
time limit. An untrusted document must not act: the profile disables macros (security level
"very high", macro execution off) and the updating of links, and blocks linked pictures; and
soffice runs in a new network namespace with no interface up (`unshare -n`, or `unshare -rn`
for a normal user), so a document linking to a URL fetches nothing (without it LibreOffice
fetched a linked picture while converting). Where no namespace can be made, the file is
refused rather than converted with network.
The converted file is then read by the ordinary DOCX/XLSX extractor; the document keeps the
original file's hash and records what it was converted from.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from etl.document import RawDocument
from etl.errors import ReportError
from etl.limits import seconds_left

TIMEOUT_SECONDS = 120
INSTALL_HINT = "apt-get install libreoffice-writer libreoffice-calc"
# OLE compound files name their main stream in the directory (UTF-16LE)
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


# Settings of the throwaway profile (LibreOffice's registrymodifications.xcu format): macros
# never run, links in the document are never updated, linked pictures are not loaded.
_PROFILE_SETTINGS = {
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): ("int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): (
        "boolean",
        "true",
    ),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): (
        "boolean",
        "true",
    ),
    ("/org.openoffice.Office.Writer/Content/Update", "Link"): ("int", "0"),  # sw: 0 = never
    ("/org.openoffice.Office.Writer/Content/Update", "Field"): ("boolean", "false"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link"): ("int", "1"),  # sc: 1 = never
}


def profile_settings() -> str:
    items = "".join(
        f'<item oor:path="{group}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>\n"
        for (group, name), (_, value) in _PROFILE_SETTINGS.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n"
    )


@functools.lru_cache(maxsize=1)
def no_network_prefix() -> tuple[str, ...] | None:
    """The command prefix that runs a program without network: `unshare -n` (root) or
    `unshare -rn` (a normal user, where user namespaces are allowed); None when neither works."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    for prefix in ((unshare, "-n"), (unshare, "-rn")):
        try:
            done = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return prefix
    return None


def _run_in_own_group(command: list[str], timeout: float) -> tuple[bytes, bytes]:
    """Run soffice in a process group of its own; on a timeout or the file's time limit the
    whole group is killed (soffice's launcher starts soffice.bin, which killing the launcher
    alone would leave running)."""
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:
        try:
            return proc.communicate(timeout=timeout)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def ole_kind(data: bytes) -> str | None:
    """'writer' for .doc/.wps, 'calc' for .xls/.et, by the main stream's name; None for neither."""
    if _WORD_STREAM in data:
        return "writer"
    if any(s in data for s in _EXCEL_STREAMS):
        return "calc"
    return None


def extract_old_office(path: str, data: bytes, sha256: str) -> RawDocument:
    kind = ole_kind(data)
    if kind is None:
        raise ReportError(
            path,
            "is an old binary office file (.doc/.xls) holding neither a Word "
            "document nor a workbook; it is damaged or not a report",
            "open it in Word/WPS/Excel and save it as .docx/.xlsx, or load the PDF",
            "old_office",
        )
    target = "docx" if kind == "writer" else "xlsx"
    converted = convert(path, data, target)
    if target == "docx":
        from etl.extract.docx import extract_docx

        doc = extract_docx(path, converted, sha256)
    else:
        from etl.extract.xlsx import extract_xlsx

        doc = extract_xlsx(path, converted, sha256)
    source = Path(path).suffix.lower().lstrip(".") or ("doc" if kind == "writer" else "xls")
    return dataclasses.replace(doc, meta={**doc.meta, "converted_from": source})


def convert(path: str, data: bytes, target: str) -> bytes:
    """The file's bytes converted by LibreOffice headless to `target` ("docx" or "xlsx")."""
    soffice = soffice_path()
    if soffice is None:
        raise ReportError(
            path,
            "is an old binary Word/WPS/Excel file (.doc/.wps/.xls/.et) and "
            "LibreOffice, which converts it, is not installed",
            f"install it ({INSTALL_HINT}) or save the file as .docx/.xlsx",
            "needs_converter",
        )
    isolate = no_network_prefix()
    if isolate is None:
        raise ReportError(
            path,
            "is an old Word/WPS/Excel file and cannot be converted safely here: LibreOffice "
            "must run without network (unshare -n), and this system allows no network namespace",
            "save the file as .docx/.xlsx or PDF, or load it on a system where `unshare -rn true` "
            "works",
            "convert_failed",
        )
    source_suffix = ".doc" if target == "docx" else ".xls"
    timeout = seconds_left(TIMEOUT_SECONDS)
    with tempfile.TemporaryDirectory(prefix="gongkai-convert-") as tmp:
        work = Path(tmp)
        source = work / f"report{source_suffix}"
        source.write_bytes(data)
        out_dir = work / "out"
        settings = work / "profile" / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        settings.write_text(profile_settings(), encoding="utf-8")
        command = [
            *isolate,
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(source),
        ]
        try:
            stdout, stderr = _run_in_own_group(command, timeout)
        except subprocess.TimeoutExpired:
            raise ReportError(
                path,
                f"LibreOffice did not finish converting it within {timeout:.0f} s",
                "open it in Word/WPS and save it as .docx/.xlsx, or load the PDF version",
                "convert_failed",
            )
        result = out_dir / f"report.{target}"
        if not result.exists():
            detail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()
            raise ReportError(
                path,
                "LibreOffice could not convert it (the file may be damaged"
                + (f": {detail[-1][:120]}" if detail else "")
                + ")",
                "open it in Word/WPS and save it as .docx/.xlsx, or load the PDF version",
                "convert_failed",
            )
        return result.read_bytes()
