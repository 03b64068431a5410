"""Shared test helpers: the one fixture loader and a small runner around the engine."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sharing_audit.checks import SqlCheck
from sharing_audit.engine import CheckOptions, RunResult, run_check

ROOT = Path(__file__).resolve().parent.parent
DEMO_POLICIES = ROOT / "policies"


def write_file(root: Path, name: str, body: str | bytes) -> Path:
    """Write ``body`` (text as UTF-8, or raw bytes) to ``root/name``, making folders."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def run_sql(
    tmp_path: Path,
    files: dict[str, str] | dict[str, str | bytes],
    *,
    dialect: str = "postgres",
    policies: Path = DEMO_POLICIES,
    as_of: dt.date = dt.date(2026, 11, 25),
) -> RunResult:
    """Write ``files`` (name → SQL) under ``tmp_path`` and run the check on them."""
    for name, sql in files.items():
        write_file(tmp_path, name, sql)
    check = SqlCheck("test", tuple(files), (), dialect, "public", (), tmp_path)
    return run_check(CheckOptions(policies, tuple(check.inputs(tmp_path)), as_of=as_of))


def finding_keys(result: RunResult, kind: str | None = None) -> set[tuple[str, str, str, str]]:
    """``(rule, consumer, object.column or object <CLAUSE>, source)`` for each finding."""
    out = set()
    for f in result.findings:
        if kind is not None and f.rule_kind != kind:
            continue
        target = f"{f.object}.{f.output_column}" if f.output_column else f"{f.object} <{f.clause}>"
        out.add((f.rule_id, f.consumer, target, f.sources[0]))
    return out


@dataclass
class RuleCase:
    """One named case of a rule kind's YAML case file."""

    kind: str
    name: str
    desc: str
    files: dict[str, str]
    dialect: str = "postgres"
    expect: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_rule_cases(path: Path) -> list[RuleCase]:
    """Cases from ``tests/cases/<kind>.yaml`` (``test_pass_*`` / ``test_fail_*``)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    kind = path.stem
    cases = []
    for name, body in doc.items():
        files = body.get("files") or {"case.sql": body["sql"]}
        cases.append(
            RuleCase(
                kind=kind,
                name=name,
                desc=body.get("desc", ""),
                files=files,
                dialect=body.get("dialect", "postgres"),
                expect=body.get("expect", []),
                errors=body.get("errors", []),
            )
        )
    return cases


_HEADER = re.compile(r"^--\s*(?P<key>title|dialect):\s*(?P<value>.*)$")


@dataclass
class SqlFixture:
    """One golden-file entry: SQL and what it must produce."""

    title: str
    dialect: str
    sql: str
    expected: str


def load_sql_fixture_pairs(path: Path) -> list[SqlFixture]:
    """Golden pairs separated by blank lines: ``-- title:``/``-- dialect:`` headers, SQL, then
    ``-- expect:`` lines. For ``__invalid`` files the expectation is the analysis code.
    """
    fixtures = []
    for block in re.split(r"\n\s*\n(?=--\s*title:)", path.read_text(encoding="utf-8").strip()):
        meta: dict[str, str] = {}
        sql_lines: list[str] = []
        expected: list[str] = []
        for line in block.splitlines():
            m = _HEADER.match(line)
            if m:
                meta[m.group("key")] = m.group("value").strip()
            elif line.startswith("-- expect:"):
                expected.append(line[len("-- expect:") :].strip())
            else:
                sql_lines.append(line)
        fixtures.append(
            SqlFixture(meta.get("title", "?"), meta.get("dialect", "postgres"), "\n".join(sql_lines), "\n".join(expected))
        )
    return fixtures
