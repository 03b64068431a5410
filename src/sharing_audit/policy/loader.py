"""Load policies/ YAML into a validated ``Policy``; unknown keys are errors with file:line."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import jsonschema

from ..errors import PolicyError
from ..names import norm, norm_dotted
from ..yamlio import LineDict, line_of, load_yaml
from .model import (
    AggregateExemption,
    Authority,
    ClassId,
    Column,
    Consumer,
    ConsumerId,
    Flow,
    Level,
    Policy,
    Redaction,
    RequiredFilter,
    RoleMapping,
    Rule,
    RuleId,
    SchemaDelivery,
    SensitivityClass,
    Severity,
    SourceRef,
    System,
    Table,
    Waiver,
)
from .schema import POLICY_FILE

T = TypeVar("T")
_VALIDATOR = jsonschema.Draft202012Validator(POLICY_FILE)


def policy_files(root: Path) -> list[Path]:
    """Every policy YAML file under ``root``, in a stable order (``*.test.yaml`` are test cases)."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise PolicyError("policies directory does not exist", path=str(root))
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.endswith((".test.yaml", ".test.yml"))
    )


def load_policies(root: Path | str) -> Policy:
    """Load and validate every policy file under ``root``.

    Args:
        root: the policies/ directory (or a single file).

    Returns:
        The merged policy set.

    Raises:
        PolicyError: a file is unreadable, invalid, or no rules were loaded.
    """
    root = Path(root)
    files = policy_files(root)
    if not files:
        raise PolicyError("no policy files (*.yaml) found", path=str(root))
    digest = hashlib.sha256()
    sections: dict[str, list[tuple[Path, LineDict, Any]]] = {}
    meta: dict[str, Any] = {}
    for path in files:
        doc = load_yaml(path, PolicyError)
        digest.update(str(path.relative_to(root) if root.is_dir() else path.name).encode())
        digest.update(path.read_bytes())
        if doc is None:
            continue
        _validate(path, doc)
        for key, value in doc.items():
            if key == "policy":
                meta.update(value)
                continue
            sections.setdefault(key, []).append((path, doc, value))
    builder = _Builder()
    policy = Policy(
        name=str(meta.get("name", root.name)),
        version=str(meta.get("version", "")),
        consumers=builder.items(sections, "consumers", builder.consumer),
        classes=builder.items(sections, "classes", builder.sensitivity_class),
        systems=builder.items(sections, "systems", builder.system),
        roles=builder.items(sections, "roles", builder.role, within="delivery"),
        schema_deliveries=builder.items(sections, "schemas", builder.schema_delivery, within="delivery"),
        redactions=builder.items(sections, "redactions", builder.redaction),
        rules=builder.items(sections, "rules", builder.rule),
        waivers=builder.items(sections, "waivers", builder.waiver),
        files=tuple(str(p) for p in files),
        digest=digest.hexdigest(),
    )
    if not policy.rules:
        raise PolicyError("no rules loaded: a policy set without rules proves nothing", path=str(root))
    return policy


def _validate(path: Path, doc: Any) -> None:
    if not isinstance(doc, dict):
        raise PolicyError("a policy file must be a mapping of sections", path=str(path), line=1)
    errors = sorted(_VALIDATOR.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        err = min(errors, key=lambda e: len(e.absolute_path))
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        location = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            # Point at the unexpected key itself, not at the mapping that holds it.
            allowed = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
            extra = [k for k in err.instance if k not in allowed]
            if extra:
                location.append(extra[0])
        raise PolicyError(f"{where}: {err.message}", path=str(path), line=line_of(doc, location))


def _date(value: Any, path: Path, line: int) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(f"not a YYYY-MM-DD date: {value!r}", path=str(path), line=line) from None


class _Builder:
    """Turns validated YAML mappings into model objects, remembering where each came from."""

    def items(
        self,
        sections: dict[str, list[tuple[Path, LineDict, Any]]],
        key: str,
        build: Callable[[Path, LineDict], T],
        within: str | None = None,
    ) -> tuple[T, ...]:
        """Build every item of section ``key`` (or of ``within.key``, e.g. ``delivery.roles``)."""
        out: list[T] = []
        for path, _doc, value in sections.get(within or key, []):
            items = value.get(key, []) if within else value
            out.extend(build(path, item) for item in items)
        return tuple(out)

    @staticmethod
    def _where(path: Path, item: LineDict) -> SourceRef:
        return SourceRef(str(path), item.line)

    def consumer(self, path: Path, item: LineDict) -> Consumer:
        return Consumer(
            id=ConsumerId(item["id"]),
            name=item["name"],
            federal=item["federal"],
            level=Level(item["level"]),
            purpose=item.get("purpose", ""),
            reaches=tuple(ConsumerId(c) for c in item.get("reaches", [])),
            where=self._where(path, item),
        )

    def sensitivity_class(self, path: Path, item: LineDict) -> SensitivityClass:
        return SensitivityClass(
            ClassId(item["id"]),
            item["description"],
            self._where(path, item),
            item.get("identifying", False),
            tuple(item.get("detect", [])),
        )

    def system(self, path: Path, item: LineDict) -> System:
        tables = tuple(
            Table(
                name=norm(t["name"]),
                description=t.get("description", ""),
                columns=tuple(
                    Column(
                        name=norm(c["name"]),
                        cls=ClassId(c["class"]) if c.get("class") else None,
                        aliases=tuple(norm(a) for a in c.get("aliases", [])),
                        description=c.get("description", ""),
                        key=c.get("key", False),
                    )
                    for c in t["columns"]
                ),
            )
            for t in item["tables"]
        )
        sid = norm(item["id"])
        names = tuple(norm_dotted(n) for n in item.get("names", [])) or (sid,)
        return System(
            id=sid,
            name=item.get("name", sid),
            description=item.get("description", ""),
            tables=tables,
            names=names,
            where=self._where(path, item),
        )

    def role(self, path: Path, item: LineDict) -> RoleMapping:
        return RoleMapping(
            role=norm(item["role"]),
            consumers=tuple(ConsumerId(c) for c in item["consumers"]),
            member_of=tuple(norm(r) for r in item.get("member_of", [])),
            where=self._where(path, item),
        )

    def schema_delivery(self, path: Path, item: LineDict) -> SchemaDelivery:
        return SchemaDelivery(
            schema=norm(item["schema"]),
            consumers=tuple(ConsumerId(c) for c in item["consumers"]),
            where=self._where(path, item),
        )

    def redaction(self, path: Path, item: LineDict) -> Redaction:
        return Redaction(
            function=norm_dotted(item["function"]),
            classes=tuple(ClassId(c) for c in item.get("classes", [])),
            description=item.get("description", ""),
            where=self._where(path, item),
        )

    def rule(self, path: Path, item: LineDict) -> Rule:
        auth = item["authority"]
        effective = item.get("effective", {})
        applies = item["applies_to"]
        allow = item.get("allow", {})
        exemption = item.get("aggregate_exemption")
        return Rule(
            id=RuleId(item["id"]),
            kind=item["kind"],
            title=item.get("title", item["id"]),
            summary=item["summary"],
            description=item.get("description", ""),
            authority=Authority(
                title=auth["title"],
                citation=auth.get("citation", ""),
                url=auth.get("url", ""),
                illustrative=auth.get("illustrative", False),
                note=auth.get("note", ""),
            ),
            consumers=tuple(ConsumerId(c) for c in applies.get("consumers", [])),
            federal=applies.get("federal", False),
            flows=frozenset(Flow(f) for f in item.get("flows", ["value", "predicate"])),
            severity=Severity(item.get("severity", "error")),
            effective_from=_date(effective.get("from"), path, item.line),
            effective_until=_date(effective.get("until"), path, item.line),
            systems=tuple(norm(s) for s in item.get("systems", [])),
            tables=tuple(norm_dotted(t) for t in item.get("tables", [])),
            classes=tuple(ClassId(c) for c in item.get("classes", [])),
            allow_values=tuple(norm_dotted(c) for c in allow.get("values", [])),
            allow_predicates=tuple(norm_dotted(c) for c in allow.get("predicates", [])),
            required_filters=tuple(
                RequiredFilter(
                    table=norm_dotted(f["table"]),
                    column=norm(f["column"]),
                    values=frozenset(str(v) for v in f["in"]),
                )
                for f in item.get("require_filters", [])
            ),
            aggregate_exemption=AggregateExemption(exemption["min_count"]) if exemption else None,
            waivable=item.get("waivable", True),
            where=self._where(path, item),
        )

    def waiver(self, path: Path, item: LineDict) -> Waiver:
        return Waiver(
            id=item["id"],
            rule=RuleId(item["rule"]),
            target=item["target"],
            consumer=ConsumerId(item["consumer"]) if item.get("consumer") else None,
            justification=item["justification"],
            legal_basis=item.get("legal_basis", ""),
            approver=item.get("approver", ""),
            approved=_date(item.get("approved"), path, item.line),
            expires=_date(item.get("expires"), path, item.line),
            where=self._where(path, item),
        )

