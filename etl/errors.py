"""One error type for a file the ETL cannot use: which file, what is wrong, what to do."""

from __future__ import annotations


class ReportError(Exception):
    """A file that cannot be loaded. `problem` and `hint` are shown to the user verbatim."""

    def __init__(self, path: str, problem: str, hint: str = "", code: str = "bad_file"):
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        self.code = code  # a stable machine-readable reason, stored with load errors
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.path}: {self.problem}"
        return f"{text}. {self.hint}" if self.hint else text
