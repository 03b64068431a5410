"""The public API: ``__all__`` is sorted, complete, and every name resolves."""

from __future__ import annotations

import sharing_audit


def test_all_is_sorted_and_resolves() -> None:
    names = sharing_audit.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(sharing_audit, name), name


def test_all_lists_every_public_member() -> None:
    public = {
        name
        for name, value in vars(sharing_audit).items()
        if not name.startswith("_") and not getattr(value, "__name__", "").startswith("sharing_audit.")
    }
    assert public <= set(sharing_audit.__all__) | {"annotations"}
