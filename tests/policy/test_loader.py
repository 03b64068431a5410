"""Loading policies/: every problem is a ``PolicyError`` that names the file and the line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpers import DEMO_POLICIES, write_file
from sharing_audit.errors import PolicyError
from sharing_audit.policy.loader import load_policies
from sharing_audit.yamlio import MAX_YAML_BYTES

RULE_FILE = "rules/phl-pars-no-ice.yaml"


def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo policies."""
    root = tmp_path / "policies"
    shutil.copytree(DEMO_POLICIES, root)
    return root


def write(root: Path, name: str, body: str | bytes) -> Path:
    return write_file(root, name, body)


def edit(root: Path, name: str, old: str, new: str) -> Path:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def load_error(root: Path) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        load_policies(root)
    return info.value


# -- the demo ---------------------------------------------------------------------------------


def test_demo_policies_load() -> None:
    policy = load_policies(DEMO_POLICIES)
    assert policy.name == "City of Philadelphia (demo jurisdiction)"
    assert policy.version == "2026.11"
    assert len(policy.rules) == 8
    assert {c.id for c in policy.consumers if c.federal} == {"ice", "usms", "fbi"}
    assert {s.id for s in policy.systems} == {"pars", "lock_and_track", "courts"}
    rule = next(r for r in policy.rules if r.id == "phl-pars-no-ice")
    assert rule.effective_from == dt.date(2018, 9, 1)
    assert rule.waivable is False
    assert rule.where is not None
    assert rule.where.path.endswith(RULE_FILE) and rule.where.line == 2
    assert len(policy.digest) == 64


def test_digest_changes_with_any_byte(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    before = load_policies(root).digest
    edit(root, "classes.yaml", "Date of birth.", "Date of birth!")
    assert load_policies(root).digest != before


def test_names_are_normalised(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, "catalog/pars.yaml", "- {name: ssn, class: ssn", "- {name: SSN, class: ssn")
    policy = load_policies(root)
    persons = next(s for s in policy.systems if s.id == "pars").table("persons")
    assert persons is not None and persons.column("ssn") is not None


# -- malformed YAML ---------------------------------------------------------------------------


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "classes.yaml", "classes:\n  - id: ssn\n    description: x\n  - id: [unclosed\n    description: y\n")
    err = load_error(root)
    assert err.path == str(path)
    assert err.line == 5  # where the unclosed flow sequence meets the next key
    assert err.message.startswith("invalid YAML")
    assert str(err).startswith(f"{path}:5:")


def test_tab_indentation_names_the_line(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "classes.yaml", "classes:\n  - id: ssn\n\tdescription: tab\n")
    err = load_error(root)
    assert (err.path, err.line, err.column) == (str(path), 3, 1)


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "extra.yaml", "classes:\n  - id: itin2\n    description: a\n    id: itin3\n")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 4)
    assert "duplicate key 'id'" in err.message


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    path = write(root, "bomb.yaml", bomb)
    err = load_error(root)
    assert err.path == str(path)
    assert (err.line, err.column) == (1, 4)
    assert "anchors" in err.message


def test_alias_without_anchor_in_same_document_is_refused(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "x.yaml", "classes:\n  - id: x\n    description: y\n  - *x\n")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 4)
    assert "aliases" in err.message


def test_python_tags_are_refused(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "x.yaml", 'classes: !!python/object/apply:os.system ["echo pwned"]\n')
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 1)
    assert "constructor" in err.message


def test_oversized_policy_file_is_refused(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "huge.yaml", "# " + "x" * MAX_YAML_BYTES + "\n")
    err = load_error(root)
    assert err.path == str(path)
    assert str(MAX_YAML_BYTES) in err.message


def test_deeply_nested_yaml_is_a_policy_error(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "deep.yaml", "classes: " + "[" * 20_000 + "]" * 20_000 + "\n")
    err = load_error(root)
    assert err.path == str(path)


# -- schema -----------------------------------------------------------------------------------


def test_unknown_top_level_key_names_file(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "extra.yaml", "classes:\n  - id: zz\n    description: z\nrulez: []\n")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 4)
    assert "'rulez'" in err.message


def test_unknown_key_in_rule_names_file_and_line(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, RULE_FILE, "    waivable: false\n", "    waivable: false\n    sevrity: error\n")
    err = load_error(root)
    assert err.path == str(path)
    assert err.line == 20  # the line of the unknown key itself
    assert "'sevrity'" in err.message


def test_unknown_key_in_a_catalog_column(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, "catalog/courts.yaml", "- {name: courtroom}", "- {name: courtroom, clas: room}")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 18)
    assert "'clas'" in err.message


def test_wrong_type_names_the_item(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, "consumers.yaml", "    federal: true\n    level: federal\n    purpose: Civil", "    federal: yes-ish\n    level: federal\n    purpose: Civil")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 4)
    assert "consumers.0.federal" in err.message


def test_unknown_rule_kind(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, RULE_FILE, "kind: deny_system", "kind: deny_everything")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 3)
    assert "deny_everything" in err.message


def test_missing_required_key(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, RULE_FILE, "    applies_to: {consumers: [ice]}\n", "")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 2)
    assert "'applies_to' is a required property" in err.message


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "classes.yaml", "classes:\n  - id: ssn\n    description: caf\xe9\n".encode("latin-1"))
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 3)
    assert "UTF-8" in err.message


def test_binary_policy_file(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "blob.yaml", b"classes: []\n\x00\x01")
    err = load_error(root)
    assert err.path == str(path)
    assert "binary" in err.message


def test_empty_policies_dir(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    root.mkdir()
    (root / "README.txt").write_text("not YAML", encoding="utf-8")
    err = load_error(root)
    assert err.path == str(root)
    assert "no policy files" in err.message


def test_missing_policies_dir(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nowhere")
    assert err.path == str(tmp_path / "nowhere")
    assert "does not exist" in err.message


def test_file_that_is_a_list_not_a_mapping(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "list.yaml", "- id: a\n- id: b\n")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 1)
    assert "must be a mapping" in err.message


def test_file_that_is_a_scalar(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(root, "note.yaml", "just a sentence\n")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 1)


def test_empty_yaml_file_is_skipped(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    write(root, "empty.yaml", "# nothing yet\n")
    assert len(load_policies(root).rules) == 8


def test_policy_with_no_rules(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    shutil.rmtree(root / "rules")
    err = load_error(root)
    assert err.path == str(root)
    assert "no rules" in err.message


def test_rules_section_that_is_empty(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    write(root, "classes.yaml", "classes:\n  - id: ssn\n    description: x\n")
    write(root, "rules.yaml", "rules: []\n")
    err = load_error(root)
    assert "no rules" in err.message


# -- dates ------------------------------------------------------------------------------------


def test_bad_date_names_file_and_rule(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, RULE_FILE, "from: 2018-09-01", "from: '1st of September 2018'")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 2)
    assert "not a YYYY-MM-DD date" in err.message


def test_impossible_quoted_date(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, RULE_FILE, "from: 2018-09-01", "from: '2018-02-30'")
    err = load_error(root)
    assert (err.path, err.line) == (str(path), 2)
    assert "2018-02-30" in err.message


def test_non_date_value(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = edit(root, RULE_FILE, "from: 2018-09-01", "from: [2018]")
    err = load_error(root)
    assert err.path == str(path)
    assert "not a YYYY-MM-DD date" in err.message


@pytest.mark.parametrize("bad", ["2018-13-01", "2018-02-30"])
def test_impossible_unquoted_date(tmp_path: Path, bad: str) -> None:
    # YAML reads an unquoted date itself; an impossible one must still be a PolicyError.
    root = demo_copy(tmp_path)
    path = edit(root, RULE_FILE, "from: 2018-09-01", f"from: {bad}")
    err = load_error(root)
    assert err.path == str(path)
    assert "month" in err.message or "day" in err.message


def test_impossible_unquoted_date_names_the_line(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, RULE_FILE, "from: 2018-09-01", "from: 2018-13-01")
    err = load_error(root)
    assert err.line == 14


def test_impossible_waiver_expiry(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = write(
        root,
        "waivers.yaml",
        "waivers:\n  - id: w1\n    rule: phl-release-date-no-ice\n    target: federal_exports.v\n"
        "    justification: j\n    approver: counsel\n    expires: 2027-02-30\n",
    )
    err = load_error(root)
    assert err.path == str(path)
    assert "day" in err.message


def test_effective_window(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    edit(root, RULE_FILE, "effective: {from: 2018-09-01}", "effective: {from: 2018-09-01, until: '2030-12-31'}")
    rule = next(r for r in load_policies(root).rules if r.id == "phl-pars-no-ice")
    assert (rule.effective_from, rule.effective_until) == (dt.date(2018, 9, 1), dt.date(2030, 12, 31))
    assert not rule.in_effect(dt.date(2018, 8, 31))
    assert rule.in_effect(dt.date(2018, 9, 1)) and rule.in_effect(dt.date(2030, 12, 31))
    assert not rule.in_effect(dt.date(2031, 1, 1))
