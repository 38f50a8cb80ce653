"""One error root: every exception class the product defines derives from etl.gongkai_error's
GongkaiError (none from ValueError, so a caller's `except ValueError` cannot catch them with a
bug riding along), and every one survives a pickle round trip with its fields (the parsing pool
returns a ReportError as it is)."""

from __future__ import annotations

import ast
import importlib
import pickle
from pathlib import Path

import pytest

from etl.gongkai_error import BAD_INPUT, ENVIRONMENT, REFUSED, GongkaiError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("etl", "assess", "queries", "workflow", "exports", "dashboard", "gongkai")
# control flow that never leaves its module (ClusterLost: the pipeline parses the rest itself;
# NoisePage: OCR counts the page as noise and goes on; TooSlow/TooBig: a portal body cut short,
# turned into the collector's finding by etl/collect/http.py; TimeSpent: OCR's time before a
# page shows text is up, turned into the illegible_scan refusal by etl/extract/ocr.py),
# or the CLI's own printing of a failure
INTERNAL = {"SearchBudget", "ClusterLost", "NoisePage", "Failure", "TooSlow", "TooBig", "TimeSpent"}
SCRIPTS = ("dashboard/views/", "dashboard/app.py", "gongkai/__main__.py")  # run when imported


def _declared_exceptions() -> list[type]:
    """Every class in the product's sources whose bases name an exception, imported."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.relative_to(ROOT).as_posix().startswith(SCRIPTS):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                    continue
                if node.name in INTERNAL:
                    continue
                module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                cls = getattr(importlib.import_module(module), node.name)
                if isinstance(cls, type) and issubclass(cls, BaseException):
                    found.append(cls)
    return found


DECLARED = _declared_exceptions()


def _example(cls: type) -> GongkaiError:
    """An instance made the way the product raises it."""
    from assess.scheme import SchemeError
    from etl.errors import ReportError
    from gongkai.failures import NotADatabase

    if issubclass(cls, ReportError):
        return cls("/data/年报\n.pdf", "PDF 损坏\n或不完整", "请重新导出", "bad_pdf")
    if issubclass(cls, SchemeError):
        return cls("/srv/方案.toml", 7, "weight 须为数字", "例如 weight = 10")
    if issubclass(cls, NotADatabase):
        return cls("/srv/g.duckdb")
    return cls("sites.csv:3：网址不对。请写 http:// 或 https:// 开头的网址")


def test_the_product_declares_the_errors_it_raises_under_one_root():
    names = {cls.__name__ for cls in DECLARED}
    assert {
        "ReportError",
        "MissingFontError",
        "CollectError",
        "PlantedLink",
        "FlagRuleError",
        "SchemeError",
        "WorkflowError",
        "StoreError",
        "StoreReadOnly",
        "RolesFileError",
        "RolesError",
        "OfficeSettingsError",
        "SaveError",
        "NoDatabase",
        "AssessUnavailable",
        "NotADatabase",
    } <= names
    strays = [f"{c.__module__}.{c.__name__}" for c in DECLARED if not issubclass(c, GongkaiError)]
    assert strays == []
    assert [c.__name__ for c in DECLARED if issubclass(c, ValueError)] == []


@pytest.mark.parametrize("cls", DECLARED, ids=lambda c: c.__name__)
def test_each_error_pickles_with_its_fields(cls):
    error = _example(cls)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls
    assert str(back) == str(error) == error.message
    assert vars(back) == vars(error)
    assert back.exit_code == error.exit_code


def test_fields_and_exit_codes():
    from assess.scheme import SchemeError
    from etl.collect.sites import CollectError
    from etl.errors import ReportError
    from etl.fonts import MissingFontError
    from gongkai.failures import NotADatabase, explain

    report = pickle.loads(pickle.dumps(ReportError("/d/a\nb.pdf", "坏了\n文件", "", "bad_pdf")))
    assert (report.path, report.problem, report.hint, report.code) == (
        "/d/a\\nb.pdf",
        "坏了 文件",
        "",
        "bad_pdf",
    )
    assert report.message == "/d/a\\nb.pdf: 坏了 文件"
    scheme = SchemeError("/s.toml", 3, "bad weight", "write a number")
    assert (scheme.path, scheme.line, str(scheme)) == (
        "/s.toml",
        3,
        "/s.toml:3: bad weight. write a number",
    )
    assert NotADatabase("/x.duckdb").message.startswith("/x.duckdb: not a DuckDB database file")
    codes = [
        ReportError("a", "b").exit_code,
        scheme.exit_code,
        CollectError("c").exit_code,
        MissingFontError("m").exit_code,
        NotADatabase("/x").exit_code,
    ]
    assert codes == [BAD_INPUT, REFUSED, BAD_INPUT, ENVIRONMENT, BAD_INPUT]
    assert explain(MissingFontError("no font")) == ("no font", ENVIRONMENT)
