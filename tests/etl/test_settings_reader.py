"""One settings reader (etl/settings.py) and one TOML reader (etl/toml_file.py).

- GONGKAI_DATA pointing at a copy of data/ with an edited office, roles, quality and scheme
  file is what every reader uses; a file's own variable still wins over it.
- Each kind of bad value in each settings file is one Chinese line `file:LINE: …` naming the
  line to fix (wrong type, out of range, misspelt key, missing key, TOML syntax, not UTF-8).
- The product reads its environment nowhere but etl/settings.py (passing the environment on to
  a child process is the one exception), and the README's table lists every variable.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import click
import pytest

from assess.flags import FlagRuleError, rules_from_toml
from assess.scheme import SchemeError, load_scheme
from etl import clock, scope
from etl.errors import ReportError
from etl.office_settings import OfficeSettingsError, load_office
from etl.settings import ENV_VARS, Settings
from etl.validate import quality_settings as quality
from workflow import roles
from workflow.store import store_path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PRODUCT = ("etl", "assess", "queries", "exports", "workflow", "dashboard", "gongkai")
SETTINGS_FILES = ("office.toml", "roles.toml", "quality.toml", "registry.csv", "schemes")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _edited(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A copy of data/'s settings files, named by GONGKAI_DATA; no file variable set."""
    copy = tmp_path / "data"
    copy.mkdir()
    for name in SETTINGS_FILES:
        source = DATA / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / name)
    for var in ENV_VARS:
        monkeypatch.delenv(var.name, raising=False)
    monkeypatch.setenv("GONGKAI_DATA", str(copy))
    return copy


def test_every_reader_uses_the_data_folder_named_by_gongkai_data(data_copy, monkeypatch):
    _edited(data_copy / "office.toml", 'province = "示范省"', 'province = "另一省"')
    _edited(data_copy / "office.toml", "deadline_days = 30", "deadline_days = 15")
    _edited(data_copy / "roles.toml", 'header = "X-Forwarded-User"', 'header = "X-Remote-User"')
    _edited(data_copy / "quality.toml", "share_threshold = 50", "share_threshold = 60")
    _edited(
        data_copy / "schemes" / "default.toml",
        'name = "省政务公开办默认方案 2024"',
        'name = "副本方案"',
    )

    settings = Settings.from_env()
    assert settings.data_dir == data_copy
    assert settings.db_path == data_copy / "gongkai.duckdb"
    assert settings.registry_path == data_copy / "registry.csv"
    assert store_path(settings.db_path) == data_copy / "gongkai.workflow.sqlite"
    assert scope.office_file() == data_copy / "office.toml"
    assert scope.office_province() == "另一省"
    assert load_office().notice_deadline_days == 15
    assert roles.roles_file() == data_copy / "roles.toml"
    assert roles.load_roles().header == "X-Remote-User"
    assert quality.quality_path() == data_copy / "quality.toml"
    assert quality.quality_settings()["copy"]["share_threshold"] == 60
    assert load_scheme(settings.scheme_path).name == "副本方案"

    other = data_copy / "elsewhere.toml"
    shutil.copy(data_copy / "office.toml", other)
    _edited(other, 'province = "另一省"', 'province = "第三省"')
    monkeypatch.setenv("GONGKAI_OFFICE", str(other))  # a file's own variable wins
    assert scope.office_province() == "第三省"
    assert Settings.from_env().roles_path == data_copy / "roles.toml"


def test_an_explicit_folder_of_documents_does_not_move_the_settings_files():
    """`gongkai build --data DIR` reads documents from DIR; the registry stays GONGKAI_DATA's."""
    settings = Settings.from_env({"GONGKAI_DATA": "/d"}, data_dir="/docs", db_path=None)
    assert settings.data_dir == Path("/docs")
    assert (settings.registry_path, settings.db_path) == (
        Path("/d/registry.csv"),
        Path("/d/gongkai.duckdb"),
    )
    assert Settings.from_env({}).office_path == DATA / "office.toml"


def test_the_other_variables_are_typed_settings():
    env = {
        "GONGKAI_WORKERS": "3",
        "GONGKAI_TODAY": " 2026-12-02 ",
        "GONGKAI_PROXY_SECRET": " a-long-shared-secret-value ",
        "XDG_STATE_HOME": "/state",
        "GONGKAI_SHARED": "/shared",
        "GONGKAI_WORKFLOW": "/w.sqlite",
    }
    s = Settings.from_env(env)
    assert (s.workers, s.today, s.proxy_secret) == (3, "2026-12-02", "a-long-shared-secret-value")
    assert (s.log_dir, s.shared_dir, s.workflow_path) == (
        Path("/state/gongkai/logs"),
        Path("/shared"),
        Path("/w.sqlite"),
    )
    assert "a-long-shared-secret" not in repr(s)  # settings may be logged; the secret is not
    assert Settings.from_env({"GONGKAI_WORKERS": "many"}).workers is None
    assert Settings.from_env({"GONGKAI_LOG_DIR": "/logs"}).log_dir == Path("/logs")


def test_clock_reads_today_through_the_settings(monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "2031-01-05")
    assert clock.today().isoformat() == "2031-01-05"


# ------------------------------------------------------------------ one Chinese line each

# (file under the data copy, text replaced, replacement, the error class, words in the message);
# the expected line is the line of the replacement in the edited file.
BAD_VALUES = [
    (
        "office.toml",
        "deadline_days = 30",
        'deadline_days = "三十"',
        OfficeSettingsError,
        "1 到 365",
    ),
    ("office.toml", "deadline_days = 30", "deadline_days = 3650", OfficeSettingsError, "整数"),
    ("office.toml", 'phone = "0000-00000000"', "phone = [1, 2]", OfficeSettingsError, "应是文字"),
    ("office.toml", 'phone = "0000-00000000"', 'phnoe = "1"', OfficeSettingsError, "没有“phnoe”"),
    ("office.toml", 'names = ["", "", ""]', "names = [1]", OfficeSettingsError, "文字的列表"),
    (
        "office.toml",
        'phone = "0000-00000000"',
        'phone = "0000',
        OfficeSettingsError,
        "TOML 语法错误",
    ),
    ("quality.toml", "num_perm = 128", 'num_perm = "很多"', ReportError, "整数（1 或更大）"),
    ("quality.toml", "share_threshold = 50", "share_threshold = 150", ReportError, "0 到 100"),
    ("quality.toml", "lsh_threshold = 0.2", "lsh_threshold = nan", ReportError, "0 到 1"),
    ("quality.toml", "max_passages = 5", "max_pasages = 5", ReportError, "没有“copy.max_pasages”"),
    ("quality.toml", 'stated = "', 'stated = "(', ReportError, "正则表达式"),
    ("quality.toml", "until_year = 2018", "until_year = true", ReportError, "年份"),
    ("quality.toml", "tolerance = 0", "tolerance = = 0", ReportError, "TOML 语法错误"),
    ("roles.toml", 'default_role = "leader"', 'default_role = "boss"', roles.RolesError, "boss"),
    ("schemes/default.toml", "weight = 15", 'weight = "十五"', SchemeError, "应是数字"),
    ("schemes/default.toml", "min_cases = 5", "min_cases = -1", SchemeError, "超出"),
    ("schemes/default.toml", 'kind = "rank"', 'kind = "名次"', SchemeError, "不是 linear"),
]


def _read(kind: str, path: Path):
    if kind == "office.toml":
        return load_office(path)
    if kind == "quality.toml":
        return quality._read(str(path))
    if kind == "roles.toml":
        return roles.load_roles(path)
    return load_scheme(path)


@pytest.mark.parametrize(("kind", "old", "new", "error", "words"), BAD_VALUES)
def test_each_bad_value_is_one_chinese_line_with_file_and_line(
    data_copy, kind, old, new, error, words
):
    path = data_copy / kind
    _edited(path, old, new)
    line = 1 + path.read_text(encoding="utf-8").split(new)[0].count("\n")
    with pytest.raises(error) as caught:
        _read(kind, path)
    message = str(caught.value)
    where = path.name if kind in ("office.toml", "roles.toml") else str(path)
    assert message.startswith(f"{where}:{line}: "), message
    assert words in message and "\n" not in message and CHINESE.search(message), message


def test_a_missing_key_names_its_table_and_a_file_not_in_utf8_names_the_line(data_copy):
    path = data_copy / "quality.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("num_perm = 128", "", 1), encoding="utf-8")
    header = 1 + text.split("[copy]")[0].count("\n")
    with pytest.raises(ReportError, match=rf"^{re.escape(str(path))}:{header}: .*缺少“num_perm”"):
        quality._read(str(path))
    office = data_copy / "office.toml"
    office.write_bytes(office.read_text(encoding="utf-8").encode("gbk"))
    first = next(
        n
        for n, s in enumerate(office.read_bytes().decode("gbk").splitlines(), 1)
        if not s.isascii()
    )
    with pytest.raises(OfficeSettingsError, match=rf"^office\.toml:{first}: .*UTF-8"):
        load_office(office)


def test_a_flag_rule_error_names_its_table(data_copy):
    path = data_copy / "schemes" / "default.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[[flags]]\nlevel = "red"\nmeasure = "x"\n',
        encoding="utf-8",
    )
    line = len(path.read_text(encoding="utf-8").splitlines()) - 2  # the added [[flags]]
    with pytest.raises(FlagRuleError, match=rf"^default\.toml:{line}: measure = 'x' 不对"):
        rules_from_toml(path)


# ------------------------------------------------------------------ the environment, read once


def _environment_reads(path: Path) -> list[int]:
    """Lines of `path` reading os.environ / getenv, except passing the environment on to a child
    process (`dict(os.environ, …)`, `{**os.environ, …}`); and lines where click is told to read
    a variable itself (`envvar=`, `auto_envvar_prefix`), which would bypass the settings reader."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    passed_on: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "dict" and node.args:
            passed_on.add(id(node.args[0]))
        if isinstance(node, ast.Dict):
            passed_on.update(id(v) for k, v in zip(node.keys, node.values) if k is None)
    found = []
    for node in ast.walk(tree):
        named = (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")) or (
            isinstance(node, ast.Name) and node.id in ("environ", "getenv")
        )
        if named and id(node) not in passed_on:
            found.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [node.lineno for a in node.names if a.name in ("environ", "getenv")]
        if isinstance(node, ast.keyword) and node.arg in ("envvar", "auto_envvar_prefix"):
            found.append(node.value.lineno)
        if isinstance(node, ast.Constant) and node.value == "auto_envvar_prefix":
            found.append(node.lineno)  # context_settings={"auto_envvar_prefix": …}
    return found


def test_the_environment_is_read_only_in_etl_settings():
    strays = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "etl" / "settings.py"
        for line in _environment_reads(path)
    ]
    assert strays == []
    assert _environment_reads(ROOT / "etl" / "settings.py")  # the check does see a read


def test_the_check_sees_a_click_option_reading_a_variable_itself(tmp_path):
    module = tmp_path / "command.py"
    module.write_text(
        "import click\n"
        "@click.command(context_settings={'auto_envvar_prefix': 'GONGKAI'})\n"
        "@click.option('--debug', is_flag=True,\n"
        "              envvar='GONGKAI_DEBUG')\n"
        "def debug(debug): ...\n",
        encoding="utf-8",
    )
    assert sorted(_environment_reads(module)) == [2, 4]


def test_the_cli_options_read_their_variables_through_the_settings(monkeypatch):
    from click.testing import CliRunner

    from gongkai.cli import cli

    @cli.command("show-settings-for-test")
    @click.pass_context
    def show(ctx):
        click.echo(ctx.meta["gongkai.debug"])

    try:
        runner = CliRunner()
        monkeypatch.setenv("GONGKAI_DEBUG", "1")
        assert runner.invoke(cli, ["show-settings-for-test"]).output == "True\n"
        monkeypatch.setenv("GONGKAI_DEBUG", "off")
        assert runner.invoke(cli, ["show-settings-for-test"]).output == "False\n"
        assert runner.invoke(cli, ["--debug", "show-settings-for-test"]).output == "True\n"
        monkeypatch.setenv("GONGKAI_DEBUG", "maybe")  # as click read it: a usage error
        result = runner.invoke(cli, ["show-settings-for-test"])
        assert result.exit_code == 2 and "Invalid value for '--debug'" in result.output
    finally:
        cli.commands.pop("show-settings-for-test")


def test_collect_allow_is_split_like_a_repeated_option():
    settings = Settings.from_env({"GONGKAI_COLLECT_ALLOW": " 10.1.0.0/16   oa.local "})
    assert settings.collect_allow == ("10.1.0.0/16", "oa.local")
    assert Settings.from_env({}).collect_allow == ()


def test_the_readme_table_lists_every_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.M))
    assert table == {var.name for var in ENV_VARS}
