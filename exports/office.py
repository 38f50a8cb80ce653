"""The office's own settings (office.toml in the data folder): issuing office, letterhead,
signatures, notes.

Every sheet an office files (assessment tables, rectification notices, the bulletin) takes
these from one file the office edits, so no office name is ever written in code. The typed,
self-checking object is read in etl.office_settings (the province is read from the same file
by etl.scope); this module is the name the exports have always used.
"""

from __future__ import annotations

from etl.office_settings import (  # noqa: F401 (re-exported)
    OfficeSettings,
    OfficeSettingsError,
    load_office,
    office_file,
)
from etl.scope import DEFAULT_OFFICE_FILE  # noqa: F401 (re-exported)
