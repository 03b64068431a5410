"""Changed-only runs for pull requests: what a change can affect, using the whole tree as context.

Every file is still analysed (a view's lineage needs its upstream views), but only findings on
objects defined in changed files, objects downstream of them, objects granted in changed
files, and changed export files are reported. A change under policies/ means a full run.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from .engine import RunResult
from .errors import UsageError


@dataclass(frozen=True)
class ChangeSet:
    """Files changed since a git ref, as display paths relative to the working directory."""

    ref: str
    files: frozenset[str]
    policies_changed: bool


def changed_since(ref: str, policies: Path, root: Path | None = None) -> ChangeSet:
    """Files that differ from ``ref`` in the working tree, plus untracked ones.

    Raises:
        UsageError: not a git work tree, or ``ref`` is unknown.
    """
    root = root or Path.cwd()
    try:
        top = _git(["rev-parse", "--show-toplevel"], root).strip()
        diff = _git(["diff", "--name-only", "--no-renames", ref, "--"], root)
        untracked = _git(["ls-files", "--others", "--exclude-standard"], Path(top))
    except FileNotFoundError:
        raise UsageError("--changed-since needs git on PATH") from None
    files: set[str] = set()
    for line in (diff + untracked).splitlines():
        if not line.strip():
            continue
        path = (Path(top) / line.strip()).resolve()
        try:
            files.add(str(path.relative_to(root.resolve())))
        except ValueError:
            files.add(str(path))
    policy_dir = policies.resolve()
    policies_changed = any(Path(root / f).resolve().is_relative_to(policy_dir) for f in files)
    return ChangeSet(ref, frozenset(files), policies_changed)


def _git(args: list[str], cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["git failed"])[0]
        raise UsageError(f"--changed-since: git {args[0]} failed: {first}")
    return proc.stdout


def affected_objects(result: RunResult, changes: ChangeSet) -> set[str]:
    """Objects defined or granted in changed files, and everything downstream of them."""
    objects = result.graph.objects
    seeds = {name for name, obj in objects.items() if obj.file in changes.files}
    for name, deliveries in result.deliveries.items():
        if any(d.file in changes.files for d in deliveries):
            seeds.add(name)
    dependents: dict[str, set[str]] = {}
    for name, obj in objects.items():
        for dep in obj.dependencies:
            dependents.setdefault(dep, set()).add(name)
    out = set(seeds)
    stack = list(seeds)
    while stack:
        for child in dependents.get(stack.pop(), ()):
            if child not in out:
                out.add(child)
                stack.append(child)
    return out


def restrict_to_changes(result: RunResult, changes: ChangeSet) -> RunResult:
    """The result limited to what the change can affect (unchanged for a policy change)."""
    if changes.policies_changed:
        return result
    objects = affected_objects(result, changes)
    keep_paths = set(changes.files)
    return replace(
        result,
        findings=[f for f in result.findings if f.object in objects or f.location.path in keep_paths],
        errors=[e for e in result.errors if e.path in keep_paths or (e.object is not None and e.object in objects)],
        notices=[n for n in result.notices if n.object in objects or (n.path or "").split(":")[0] in keep_paths],
    )
