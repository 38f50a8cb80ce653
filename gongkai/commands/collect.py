"""`gongkai collect --sites sites.csv --out data/collected/ [--year Y]`: fetch the reports."""

from __future__ import annotations

import sys

import click

from etl.settings import current
from gongkai.failures import ENVIRONMENT, INTERRUPTED, GongkaiError


@click.command("collect")
@click.option(
    "--sites",
    "sites_csv",
    required=True,
    type=click.Path(dir_okay=False),
    help="站点清单 CSV（UTF-8，表头 agency,url）：单位（名录代码或标准名称）和其政府信息公开年报栏目网址。",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="保存文件夹（如 data/collected/）；再次运行只下载新增或变化的文件。",
)
@click.option("--year", type=click.IntRange(1990, 2100), help="只采集这一年度的年报。")
@click.option(
    "--deadline",
    type=click.FloatRange(0.1, 600),
    default=30.0,
    show_default=True,
    help="单个请求的总时限（秒）。",
)
@click.option(
    "--interval",
    type=click.FloatRange(0, 60),
    default=1.0,
    show_default=True,
    help="同一站点两次请求之间至少间隔（秒）。",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="网络错误、超时、429/5xx 时重试次数（间隔逐次加倍）。",
)
@click.option(
    "--allow-address",
    "allow",
    multiple=True,
    default=lambda: current().collect_allow,  # GONGKAI_COLLECT_ALLOW, through the settings reader
    metavar="主机或网段",
    help="允许采集的内网主机名、地址或网段（如 10.1.2.0/24），可多次给出。"
    "默认只访问公网地址：本机、内网、链路本地等地址一律不访问。",
)
@click.option("--quiet", is_flag=True, help="不显示进度条（输出不是终端时本来就不显示）。")
def collect(
    sites_csv: str,
    out: str,
    year: int | None,
    deadline: float,
    interval: float,
    retries: int,
    allow: tuple[str, ...],
    quiet: bool,
) -> None:
    """从各单位门户网站采集政府信息公开工作年度报告（网页和附件），并写入清单 manifest.csv。

    遵守 robots.txt，同一站点限速，断点续采：再次运行时只下载新增或有变化的文件。
    采集完成后用 `gongkai load <保存文件夹>` 载入，门户网站的发布时间即作为发布日期。

    Example:

    \b
        gongkai collect --sites sites.csv --out data/collected/ --year 2024
    """
    from etl.collect.run import Policy, read_sites
    from etl.collect.run import collect as run_collect

    try:
        problems: list[str] = []
        sites = _named(read_sites(sites_csv, problems))
        for line in problems:  # rows that cannot be used: one line each, the others go on
            click.echo(line, err=True)
        policy = Policy(
            deadline=deadline,
            retries=retries,
            interval=interval,
            backoff=min(1.0, deadline / 4),
            allow=allow,
        )
        bars = (
            None if quiet or not sys.stderr.isatty() else _bars()
        )  # as load: bars on a terminal only
        summary = run_collect(sites, out, year, policy, bars, _tell)
    except OSError as exc:  # the output folder filled up or vanished mid-run
        raise GongkaiError(
            f"{exc.filename or out}：无法写入（{exc.strerror}）。"
            "已写入的文件和清单保留；腾出空间后再次运行即可继续",
            exit_code=ENVIRONMENT,
        ) from None
    except KeyboardInterrupt:
        click.echo("已中断：已采集的文件和清单都已保存，再次运行会从中断处继续。", err=True)
        sys.exit(INTERRUPTED)
    counts: dict[str, int] = {}
    for f in summary.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    if counts:
        from etl.rules import rule_label

        click.echo(
            "发现：" + "；".join(f"{rule_label(r)} {n} 条" for r, n in sorted(counts.items()))
        )
    click.echo(f"清单：{summary.out / 'manifest.csv'}。下一步：gongkai load {summary.out}")
    bad = summary.failed_sites or any(s.failed for s in summary.sites) or problems
    sys.exit(1 if bad else 0)


def _named(sites):
    """Sites with their agencies' standard names; one that is neither a registry code nor a
    registered name is collected anyway, and the office is told now, not after the load."""
    from etl.collect.sites import name_sites
    from etl.errors import ReportError
    from etl.registry import load_registry
    from etl.settings import Settings

    try:
        sites = name_sites(sites, load_registry(Settings.from_env().registry_path))
    except ReportError:
        return sites  # `gongkai load` reports a broken registry itself
    for site in sites:
        if not site.known:
            click.echo(
                f"注意：站点清单第 {site.line} 行的单位“{site.agency}”不在单位名录中"
                "（既不是代码也不是登记的名称）；照常采集，载入时以报告中的单位名称为准",
                err=True,
            )
    return sites


def _tell(s) -> None:
    """One line per site as soon as it is done, then its problems, one line each."""
    state = "无法访问" if not s.reached else f"年报 {s.reports} 篇"
    skipped = f"，未访问 {s.skipped}（robots.txt 或地址不允许，见下）" if s.skipped else ""
    who = s.site.label if s.site.label == s.site.agency else f"{s.site.label}（{s.site.agency}）"
    click.echo(
        f"{who}：{state}，新下载 {s.new}，有变化 {s.changed}，"
        f"未变 {s.unchanged}，失败 {s.failed}{skipped}"
    )
    for line in s.problems:
        click.echo(f"  {line}", err=True)


def _bars():
    """A tqdm bar per site, counting requests (the number of pages is not known ahead)."""
    from tqdm import tqdm

    state: dict = {}

    def progress_for(site):
        bar = state.pop("bar", None)
        if bar is not None:
            bar.close()
        if site is None:
            return None
        bar = state["bar"] = tqdm(
            desc=site.label[:16], unit=" 个请求", leave=True, file=sys.stderr, dynamic_ncols=True
        )
        labels = {"list": "列表页", "article": "年报", "file": "附件"}

        def tick(what: str, url: str) -> None:
            bar.set_postfix_str(labels.get(what, what), refresh=False)
            bar.update(1)

        return tick

    return progress_for
