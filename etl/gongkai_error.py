"""The one root of every error gongkai raises on purpose: which file, what is wrong, what to do,
and the exit code the `gongkai` command ends with.

It sits in the bottom layer (etl) so that every package may derive from it; the CLI's top-level
handler (gongkai/cli.py) and the dashboard catch `GongkaiError` and nothing broader for an
expected failure. Anything else that escapes a command is a bug (gongkai/failures.py).

Exit codes (also in the README):
  1  the command's own refusal (a missing database, files that failed to load)
  2  bad input: a file given that cannot be used (not a DuckDB file, an unreadable scheme)
  3  the environment: disk full, out of memory, permissions, a missing font or system program
  4  a bug in gongkai (the log file is what to report)
  130  interrupted (Ctrl+C)
"""

from __future__ import annotations

REFUSED, BAD_INPUT, ENVIRONMENT, BUG, INTERRUPTED = 1, 2, 3, 4, 130


def _rebuilt(cls: type, args: tuple, state: dict) -> GongkaiError:
    """Unpickle without calling `cls.__init__`: subclasses take different arguments, and their
    fields are already in `state` as the first process made them."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class GongkaiError(Exception):
    """An expected failure: `path: problem. hint` on one line, and the exit code it ends with.

    Subclasses that were raised with one ready-made message (`CollectError("sites.csv:3: …")`)
    keep that: the whole text is the `problem`, `path` and `hint` stay empty.
    """

    exit_code: int = REFUSED
    keep_traceback: bool = False  # True: the CLI also saves the traceback and names its log file

    def __init__(
        self,
        problem: str = "",
        *,
        path: object = None,
        hint: str = "",
        exit_code: int | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.problem = str(problem)
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.path}: {self.problem}" if self.path else self.problem
        return f"{text}. {self.hint}" if self.hint else text

    def __reduce__(self):
        # Exception pickles as cls(*args), which a subclass with its own arguments cannot take.
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))
