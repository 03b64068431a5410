"""IT's checks/ manifests: which SQL directories (and later exports, databases) to examine."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from .errors import CheckError
from .exports.model import COMPRESSIONS, FORMATS, ReadOptions
from .lineage.graph import SqlInput
from .lineage.parse import SUPPORTED_DIALECTS
from .yamlio import line_of, load_yaml

_STR = {"type": "string"}
_SQL_CHECK = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]*$"},
        "kind": {"const": "sql"},
        "description": _STR,
        "paths": {"type": "array", "items": _STR, "minItems": 1},
        "exclude": {"type": "array", "items": _STR},
        "dialect": {"enum": list(SUPPORTED_DIALECTS)},
        "default_schema": _STR,
        "dialects": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"glob": _STR, "dialect": {"enum": list(SUPPORTED_DIALECTS)}},
                "required": ["glob", "dialect"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id", "kind", "paths"],
    "additionalProperties": False,
}
_EXPORT_CHECK = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]*$"},
        "kind": {"const": "export"},
        "description": _STR,
        "paths": {"type": "array", "items": _STR, "minItems": 1},
        "exclude": {"type": "array", "items": _STR},
        "consumer": _STR,
        "source": {"type": "string", "pattern": "^[^.]+\\.[^.]+$"},
        "columns": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^[^.]+\\.[^.]+\\.[^.]+$"}},
        "format": {"enum": list(FORMATS)},
        "delimiter": {"type": "string", "minLength": 1, "maxLength": 1},
        "header": {"type": "boolean"},
        "column_names": {"type": "array", "items": _STR, "minItems": 1},
        "encoding": _STR,
        "compression": {"enum": list(COMPRESSIONS)},
        "member": _STR,
        "aggregate": {
            "type": "object",
            "properties": {"count_column": _STR},
            "required": ["count_column"],
            "additionalProperties": False,
        },
        "sample": {"type": "integer", "minimum": 1},
    },
    "required": ["id", "kind", "paths", "consumer"],
    "additionalProperties": False,
}
_OTHER_CHECK = {
    "type": "object",
    "properties": {"id": _STR, "kind": {"enum": ["database"]}},
    "required": ["id", "kind"],
}
CHECKS_FILE = {
    "type": "object",
    "properties": {
        "checks": {
            "type": "array",
            "items": {
                "if": {"properties": {"kind": {"const": "sql"}}},
                "then": _SQL_CHECK,
                "else": {"if": {"properties": {"kind": {"const": "export"}}}, "then": _EXPORT_CHECK, "else": _OTHER_CHECK},
            },
        }
    },
    "required": ["checks"],
    "additionalProperties": False,
}
_VALIDATOR = jsonschema.Draft202012Validator(CHECKS_FILE)


@dataclass(frozen=True)
class SqlCheck:
    """A set of SQL files to analyse together."""

    id: str
    paths: tuple[str, ...]
    exclude: tuple[str, ...]
    dialect: str
    default_schema: str
    dialect_overrides: tuple[tuple[str, str], ...]
    base: Path
    """Directory that the manifest's relative paths are relative to."""
    description: str = ""
    confined: bool = False
    """Refuse files outside ``root`` (after resolving symlinks): set for checks/ manifests."""

    def inputs(self, root: Path) -> list[SqlInput]:
        """The files this check matches, each with its dialect.

        Raises:
            CheckError: a pattern matches no file (never a silent pass).
        """
        paths = _matched_files(self.id, self.paths, self.exclude, self.base, root, self.confined, (".sql",), "SQL file")
        inputs = [SqlInput(path, _display(path, root), self.dialect_for(path)) for path in paths]
        return sorted(inputs, key=lambda i: i.display)

    def dialect_for(self, path: Path) -> str:
        """The dialect for one file: the last matching override, else the check's default."""
        chosen = self.dialect
        for pattern, dialect in self.dialect_overrides:
            if path.resolve().match(str((self.base / pattern).resolve())) or path.match(pattern):
                chosen = dialect
        return chosen


@dataclass(frozen=True)
class ExportCheck:
    """Export files sent to one consumer, and what IT says about them."""

    id: str
    paths: tuple[str, ...]
    exclude: tuple[str, ...]
    consumer: str
    source: tuple[str, str] | None
    columns: tuple[tuple[str, str], ...]
    read: ReadOptions
    count_column: str | None
    sample: int | None
    base: Path
    description: str = ""
    confined: bool = False
    """Refuse files outside ``root`` (after resolving symlinks): set for checks/ manifests."""

    def files(self, root: Path) -> list[tuple[Path, str]]:
        """``(path, display path)`` of every file this check matches.

        Raises:
            CheckError: a pattern matches no file (never a silent pass).
        """
        paths = _matched_files(self.id, self.paths, self.exclude, self.base, root, self.confined, None, "file")
        return sorted(((path, _display(path, root)) for path in paths), key=lambda item: item[1])


def _matched_files(
    check_id: str,
    patterns: tuple[str, ...],
    exclude: tuple[str, ...],
    base: Path,
    root: Path,
    confined: bool,
    suffixes: tuple[str, ...] | None,
    what: str,
) -> list[Path]:
    """The files a check's patterns match, minus its exclusions, each once (first spelling).

    Raises:
        CheckError: a pattern matches no file (never a silent pass), or, for a confined
            check, a file resolves outside ``root``.
    """
    excluded: set[Path] = set()
    for pattern in exclude:
        excluded.update(Path(p).resolve() for p in glob.glob(str(base / pattern), recursive=True))
    found: dict[Path, Path] = {}
    for pattern in patterns:
        matched = _expand(base / pattern, suffixes)
        if not matched:
            raise CheckError(f"check {check_id}: {pattern!r} matches no {what}", path=str(base / pattern))
        for path in matched:
            if confined:
                confine(check_id, path, root)
            resolved = path.resolve()
            if resolved not in excluded:
                found.setdefault(resolved, path)
    return list(found.values())


def confine(check_id: str, path: Path, root: Path) -> None:
    """Refuse a manifest path that leaves the project root, by ``..`` or through a symlink.

    Raises:
        CheckError: naming the check and the path as written (never its target).
    """
    if not path.resolve().is_relative_to(root.resolve()):
        raise CheckError(
            f"check {check_id}: {path} resolves outside the project root {root}; "
            "manifests may only read files inside it (pass such files on the command line instead)"
        )


def _expand(pattern: Path, suffixes: tuple[str, ...] | None = (".sql",)) -> list[Path]:
    def wanted(p: Path) -> bool:
        return p.is_file() and (suffixes is None or p.suffix.lower() in suffixes) and not p.name.startswith(".")

    if pattern.is_dir():
        return sorted(p for p in pattern.rglob("*") if wanted(p))
    if pattern.is_file():
        return [pattern]
    return sorted(Path(p) for p in glob.glob(str(pattern), recursive=True) if Path(p).is_file())


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def sql_inputs_from_paths(paths: list[Path], dialect: str, root: Path) -> list[SqlInput]:
    """SQL inputs named on the command line (files or directories)."""
    check = SqlCheck("command-line", tuple(str(p) for p in paths), (), dialect, "public", (), Path.cwd())
    return check.inputs(root)


def load_checks(root: Path) -> list[SqlCheck]:
    """Every SQL check declared under ``root`` (checks/).

    Raises:
        CheckError: a manifest is invalid, or there are no SQL checks at all.
    """
    checks = [c for c in load_all_checks(root) if isinstance(c, SqlCheck)]
    if not checks:
        raise CheckError("no SQL checks declared", path=str(root))
    return checks


def load_export_checks(root: Path) -> list[ExportCheck]:
    """Every export check declared under ``root`` (checks/ or one manifest).

    Raises:
        CheckError: a manifest is invalid, or there are no export checks at all.
    """
    checks = [c for c in load_all_checks(root) if isinstance(c, ExportCheck)]
    if not checks:
        raise CheckError("no export checks declared", path=str(root))
    return checks


def load_all_checks(root: Path) -> list[SqlCheck | ExportCheck]:
    """Every check declared under ``root``, in file order.

    Raises:
        CheckError: a manifest is invalid or does not exist.
    """
    if not root.exists():
        raise CheckError("checks directory does not exist; pass SQL paths or --checks", path=str(root))
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml"))
    checks: list[SqlCheck | ExportCheck] = []
    for path in files:
        doc = load_yaml(path, CheckError)
        if doc is None:
            continue
        errors = list(_VALIDATOR.iter_errors(doc))
        if errors:
            err = min(errors, key=lambda e: len(e.absolute_path))
            raise CheckError(f"{'.'.join(map(str, err.absolute_path)) or '(top level)'}: {err.message}", path=str(path), line=line_of(doc, err.absolute_path))
        for item in doc["checks"]:
            if item["kind"] == "sql":
                checks.append(_sql_check(item, path.parent))
            elif item["kind"] == "export":
                checks.append(_export_check(item, path.parent))
    return checks


def _export_check(item: Any, base: Path) -> ExportCheck:
    source = tuple(item["source"].lower().split(".")) if "source" in item else None
    return ExportCheck(
        id=item["id"],
        paths=tuple(item["paths"]),
        exclude=tuple(item.get("exclude", [])),
        consumer=item["consumer"],
        source=(source[0], source[1]) if source else None,
        columns=tuple((header, target.lower()) for header, target in item.get("columns", {}).items()),
        read=ReadOptions(
            format=item.get("format"),
            delimiter=item.get("delimiter"),
            header=item.get("header"),
            encoding=item.get("encoding", "utf-8"),
            compression=item.get("compression"),
            member=item.get("member"),
            column_names=tuple(item["column_names"]) if "column_names" in item else None,
        ),
        count_column=item["aggregate"]["count_column"] if "aggregate" in item else None,
        sample=item.get("sample"),
        base=base,
        description=item.get("description", ""),
        confined=True,
    )


def _sql_check(item: Any, base: Path) -> SqlCheck:
    return SqlCheck(
        id=item["id"],
        paths=tuple(item["paths"]),
        exclude=tuple(item.get("exclude", [])),
        dialect=item.get("dialect", "postgres"),
        default_schema=item.get("default_schema", "public"),
        dialect_overrides=tuple((d["glob"], d["dialect"]) for d in item.get("dialects", [])),
        base=base,
        description=item.get("description", ""),
        confined=True,
    )
