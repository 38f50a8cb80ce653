"""What one source the user named becomes: a local file to read, or the error that kept it out.

Its own module so that discover.py (paths, folders, manifests) and download.py (URLs) can both
hand one back without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl.errors import ReportError


@dataclass(frozen=True)
class SourceFile:
    origin: str  # what the user named: a path or a URL; used in messages and stored as source_path
    path: Path | None  # the local file to read (a download lands in a temp folder)
    kind: str = "file"  # "file" | "url"
    error: ReportError | None = None  # set when the source could not be found or fetched
    portal: object | None = None  # etl.collect.manifest.PortalSource for a collected file
