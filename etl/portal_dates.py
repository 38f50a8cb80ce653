"""The portal's 发布时间 as the publication date, once every batch of a load is written.

A file collected from a portal (etl/collect) carries the date the portal shows; that date, not
one guessed from the document, is when the report was published. It is applied by sha256 after
the batches, so bytes loaded by an earlier run (and skipped as unchanged now) get it too.
"""

from __future__ import annotations

import pyarrow as pa

from etl.arrow_frames import arrow_table, registered
from etl.building_copy import transaction
from etl.deadlines import PORTAL_DATE, as_date


def set_portal_dates(con, dates: dict[str, str]) -> None:
    """The portal's 发布时间 (etl/collect) as the publication date of reports with these bytes,
    counted date (basis 门户日期) and days late with it: also for bytes loaded before, without
    the portal's date."""
    if not dates:
        return
    shas, days = zip(*sorted(dates.items()))
    with (
        transaction(con),
        registered(
            con,
            _dates=arrow_table(
                [list(shas), [as_date(d) for d in days]],
                (pa.string(), pa.date32()),
                ("sha256", "published"),
            ),
        ),
    ):
        # the portal's date is what the report counts as published (etl.deadlines.counted_date)
        con.execute(
            "UPDATE reports SET published = d.published, counted_date = d.published, "
            "date_basis = ?, "
            "days_late = CASE WHEN reports.deadline IS NULL THEN NULL "
            "ELSE date_diff('day', reports.deadline, d.published) END "
            "FROM _dates d WHERE reports.sha256 = d.sha256 AND d.published IS NOT NULL "
            "AND (reports.published IS DISTINCT FROM d.published "
            "OR reports.date_basis IS DISTINCT FROM ?)",
            [PORTAL_DATE, PORTAL_DATE],
        )
