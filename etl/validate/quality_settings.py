"""The annual quality check's settings (data/quality.toml), read once per process.

GONGKAI_QUALITY points at another file (tests use it to vary a threshold). A file that cannot be
read raises a ReportError with one clear line, never a traceback.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from etl.errors import ReportError
from etl.settings import DEFAULT_DATA

DEFAULT_PATH = DEFAULT_DATA / "quality.toml"


def quality_path() -> Path:
    return Path(os.environ.get("GONGKAI_QUALITY") or DEFAULT_PATH)


@lru_cache(maxsize=4)
def _read(path: str) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ReportError(
            path,
            f"cannot read the quality-check settings ({exc.strerror})",
            "restore data/quality.toml or set GONGKAI_QUALITY to a readable file",
            "unreadable",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(
            path,
            f"the quality-check settings are not valid TOML ({exc})",
            "fix the line named above in data/quality.toml",
            "unreadable",
        ) from None


def quality_settings() -> dict:
    return _read(str(quality_path()))
