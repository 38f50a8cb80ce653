"""Progress of `gongkai load`/`build`: a tqdm bar on a terminal, nothing extra otherwise.

The bar shows files done / total, rate, time left and the failures so far. When stdout is not a
terminal (a log, a pipe, CI), no bar is drawn: the command's summary line is the whole report.
"""

from __future__ import annotations

import sys


class LoadProgress:
    """A `progress(done, total, failed)` callback for etl.pipeline.run_load."""

    def __init__(self, stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stdout
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.bar = None
        self._failed = -1

    def __call__(self, done: int, total: int, failed: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit=" files",
                desc="loading",
                file=self.stream,
                leave=False,
                dynamic_ncols=True,
                mininterval=0.2,
                bar_format="{desc} {n_fmt}/{total_fmt} {bar} {rate_fmt} ETA {remaining}{postfix}",
            )
        if failed != self._failed:
            self._failed = failed
            self.bar.set_postfix_str(f"failed {failed}", refresh=False)
        self.bar.update(done - self.bar.n)
        if done == total:  # draw the final count even inside the redraw interval
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
