"""Safe YAML loading that remembers line numbers and refuses aliases, huge files and bad bytes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import SharingAuditError

MAX_YAML_BYTES = 1_000_000
"""Policies and checks are small hand-written files; anything larger is refused."""


class LineDict(dict[str, Any]):
    """A mapping that knows the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A sequence that knows the 1-based line of each item."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that records lines and rejects anchors and aliases.

    NOTE: aliases are refused outright rather than limited: policies never need them and
    refusing them closes the "billion laughs" expansion attack.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in sharing-audit files",
                problem_mark=event.start_mark,
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="YAML anchors (&name) are not allowed in sharing-audit files",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # noqa: D102
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in mapping:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_yaml_timestamp(self, node: Any) -> Any:  # noqa: D102
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.MarkedYAMLError(problem=f"not a valid date: {exc}", problem_mark=node.start_mark) from None

    def construct_sequence(self, node: Any, deep: bool = False) -> Any:  # noqa: D102
        seq = LineList(self.construct_object(child, deep=True) for child in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [child.start_mark.line + 1 for child in node.value]
        return seq


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


def load_yaml(path: Path, error: type[SharingAuditError]) -> Any:
    """Load one YAML file safely, raising ``error`` with file and line on any problem.

    Args:
        path: the file to read.
        error: the ``SharingAuditError`` subclass to raise (policy or check error).

    Returns:
        The document, with mappings as ``LineDict`` and sequences as ``LineList``.

    Raises:
        SharingAuditError: the given subclass, naming the file and line.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path=str(path)) from None
    if len(data) > MAX_YAML_BYTES:
        raise error(f"file is larger than {MAX_YAML_BYTES} bytes", path=str(path))
    if b"\x00" in data:
        raise error("file is binary (contains NUL bytes), not YAML", path=str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error("file is not valid UTF-8", path=str(path), line=line) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        mark_line = mark.line + 1 if mark else None
        mark_column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", path=str(path), line=mark_line, column=mark_column) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path=str(path)) from None
    except RecursionError:
        raise error("YAML is nested too deeply", path=str(path)) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # The YAML constructors raise these for values such as the date 2026-02-30.
        raise error(f"invalid value in YAML ({type(exc).__name__}: {exc})", path=str(path)) from None


def line_of(doc: Any, path: Iterable[Any]) -> int | None:
    """Return the line of the element at ``path`` (keys and indexes) inside ``doc``."""
    node = doc
    line: int | None = getattr(doc, "line", None)
    found: int | None
    for part in path:
        if isinstance(node, LineDict) and isinstance(part, str) and part in node:
            found = node.key_lines.get(part)
            line = found if found is not None else line
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line
