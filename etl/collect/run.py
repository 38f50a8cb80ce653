"""One collection run over the sites of sites.csv (see etl/collect/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from etl.collect.crawl import Progress, SiteResult, SiteWalk
from etl.collect.http import Client, Policy
from etl.collect.manifest import PortalFinding, read_findings, read_rows, write_findings, write_rows
from etl.collect.sites import CollectError, Site, read_sites
from etl.collect.store import Store

__all__ = ["CollectError", "CollectSummary", "Policy", "Site", "collect", "read_sites"]


@dataclass
class CollectSummary:
    out: Path
    sites: list[SiteResult] = field(default_factory=list)

    @property
    def findings(self) -> list[PortalFinding]:
        return [f for s in self.sites for f in s.findings]

    @property
    def failed_sites(self) -> list[SiteResult]:
        return [s for s in self.sites if not s.reached]


def collect(
    sites: list[Site],
    out: str | Path,
    year: int | None = None,
    policy: Policy | None = None,
    progress_for=None,
    done=None,
) -> CollectSummary:
    """Collect every site into `out`. `progress_for(site)` may return a Progress callback
    (and is told the site is over by a call with None); `done(result)` hears of each site."""
    store = Store(out)
    rows = {r.url: r for r in read_rows(store.out)}
    for r in rows.values():  # files of earlier runs keep their names, even when not visited now
        if r.file:
            store.claim(r.file, r.url)
    kept = read_findings(store.out)
    summary = CollectSummary(store.out)
    client = Client(policy, store.robots)
    try:
        for site in sites:
            progress: Progress | None = progress_for(site) if progress_for else None
            try:
                result = SiteWalk(site, client, store, rows, year, progress).run()
            except OSError:  # the output folder (disk full, removed): no later site fares better
                raise
            # one site's boundary: a walk over a site we do not control (its pages, files, links);
            # whatever stops it is that site's line in the summary, and the other sites are collected
            except Exception as exc:  # noqa: BLE001 -- one site's boundary
                result = SiteResult(
                    site,
                    reached=False,
                    problems=[
                        (
                            f"{site.label}：采集时出现意外错误（{type(exc).__name__}: {exc}）。"
                            "其余站点照常采集；请把这一行报告给维护人员"
                        )
                    ],
                )
            finally:
                if progress_for:
                    progress_for(None)
            summary.sites.append(result)
            if result.reached:  # its findings replace what an earlier run said of the same scope
                kept = [
                    f
                    for f in kept
                    if not (f.agency == site.agency and (year is None or f.year == str(year)))
                ]
            kept += result.findings
            write_findings(store.out, kept)
            _save(store, rows)
            if done:
                done(result)
    finally:  # also on Ctrl+C: every file saved so far is in the manifest, a re-run goes on
        client.close()
        _save(store, rows)
    return summary


def _save(store: Store, rows: dict) -> None:
    write_rows(store.out, list(rows.values()))
    store.flush_state()
