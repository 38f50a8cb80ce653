"""`gongkai parse FILE --json`: one document -> one JSON object."""

from __future__ import annotations

import json
import sys

import click

from etl.errors import ReportError


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the full JSON object (default: a summary)."
)
def parse(file: str, as_json: bool) -> None:
    """Parse one report file and print agency, year, template, values, findings and provenance.

    Exit code 2 with a one-line reason when the file cannot be used, or would take more than
    the memory or time a file may take (the limits of `gongkai load`).

    Example:

    \b
        gongkai parse ../shared/real-reports/hongze_2024.pdf --json
    """
    from etl.parse_worker import parse_alone

    try:  # read by a worker under the memory cap and the time limit, as a load reads it
        report = parse_alone(file)
    except ReportError as exc:  # the file's verdict, as `parse` has always printed it
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    # anything else is a bug in the parser: the CLI's handler says it on one line, exit 4, with
    # the log file holding the traceback (gongkai/cli.py)
    data = report.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    click.echo(
        f"{file}: {data['template']}  agency={data['agency']}  year={data['year']}  "
        f"published={data['published']}  values={len(data['values'])}  findings={len(data['findings'])}"
    )
    for f in data["findings"]:
        click.echo(f"  [{f['severity']}] {f['rule']}: {f['message']}")
