"""docs/rules.md documents every rule, and its examples do what they say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scale_query import ObjectSchema, validate
from scale_query.semantics._rules import RULES

DOCS = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
SCHEMA = ObjectSchema.from_api(
    json.loads(re.search(r"```json\n(.*?)```", DOCS, re.S).group(1)),  # type: ignore[union-attr]
    name="contact",
)


def _sections() -> dict[str, str]:
    parts = re.split(r"^## (SQ\d{3})\n", DOCS, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


SECTIONS = _sections()


def test_every_rule_has_a_section_and_every_section_a_rule() -> None:
    assert set(SECTIONS) == set(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_section_states_name_and_severity(code: str) -> None:
    rule = RULES[code]
    assert f"`{rule.name}` · {rule.severity}" in SECTIONS[code]
    assert f"| [{code}](#{code.lower()}) | `{rule.name}` | {rule.severity} |" in DOCS


@pytest.mark.parametrize("code", sorted(RULES))
def test_table_says_which_rules_check_runs_by_default(code: str) -> None:
    (row,) = [line for line in DOCS.splitlines() if line.startswith(f"| [{code}]")]
    on = row.split(" | ")[4]
    assert on == ("yes" if RULES[code].default else "**no** (opt-in)")


@pytest.mark.parametrize("code", sorted(RULES))
def test_failing_example_fails_and_passing_example_passes(code: str) -> None:
    section = SECTIONS[code]
    failing = re.search(r"Fails:\n\n```filter\n(.*?)\n```", section, re.S)
    passing = re.search(r"Passes:\n\n```filter\n(.*?)\n```", section, re.S)
    assert failing is not None
    assert passing is not None
    assert code in [d.code for d in validate(failing.group(1), schema=SCHEMA, select=["ALL"])]
    assert code not in [d.code for d in validate(passing.group(1), schema=SCHEMA, select=["ALL"])]


@pytest.mark.parametrize("code", sorted(RULES))
def test_fix_column_says_whether_the_fix_of_the_failing_example_is_safe(code: str) -> None:
    from scale_query.cli.check._fix import quick_fixes
    from scale_query.cli.check._lint import read_source, select_codes
    from scale_query.cli.check._schema_files import Schemas

    (row,) = [line for line in DOCS.splitlines() if line.startswith(f"| [{code}]")]
    column = row.split(" | ")[5].rstrip(" |")
    failing = re.search(r"Fails:\n\n```filter\n(.*?)\n```", SECTIONS[code], re.S)
    assert failing is not None
    source = read_source("x.filter", "filter", failing.group(1) + "\n")
    fixes = [
        f
        for f in quick_fixes(source, Schemas({"contact": SCHEMA}), select_codes(["ALL"]))
        if f.diagnostic.code == code
    ]
    if not fixes:
        return  # this example has no fix; the column may still name one for other filters
    assert column, f"{code} has a fix the table does not name"
    if fixes[0].safe:
        assert not column.startswith("unsafe"), f"{code}'s fix is safe: {column}"
    else:
        assert "unsafe" in column, f"{code}'s fix is unsafe: {column}"
