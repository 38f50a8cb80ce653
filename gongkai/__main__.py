from gongkai.cli import cli

cli()
