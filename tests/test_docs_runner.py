"""The docs runner fails a page that is wrong, and skips only what says it is not run."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_runner import ConsoleBlocks, docs_sybil
from sybil.example import SybilFailure

FENCE = "```"


def outcomes(tmp_path: Path, page: str) -> list[str]:
    """'ok', 'skip: <reason>' or 'fail: <message>' for each example of the page, in order."""
    path = tmp_path / "page.md"
    path.write_text(page.replace("'''", FENCE), encoding="utf-8")
    document = docs_sybil(tmp_path, ["*.md"], fixtures=[]).parse(path)
    results = []
    for example in document.examples():
        try:
            example.evaluate()
        except pytest.skip.Exception as skipped:
            results.append(f"skip: {skipped.msg}")
        except SybilFailure as failure:
            results.append(f"fail: {failure.result}")
        else:
            results.append("ok")
    return results


def test_python_blocks_share_a_namespace_and_report_errors(tmp_path: Path) -> None:
    page = """
'''python
from decimal import Decimal
'''

'''python
total = Decimal("1.50") + 1
'''

'''python
print(missing)
'''
"""
    results = outcomes(tmp_path, page)
    assert results[:2] == ["ok", "ok"]
    assert results[2].startswith("fail: ")
    assert "NameError: name 'missing' is not defined" in results[2]


def test_pycon_blocks_compare_output(tmp_path: Path) -> None:
    page = """
'''pycon
>>> from scale_query import parse, render
>>> render(parse("a$eq 1"))
'a $eq 1'
>>> render(parse("b$eq 2"))
'b $eq 3'
'''
"""
    results = outcomes(tmp_path, page)
    assert results[:2] == ["ok", "ok"]
    assert results[2].startswith("fail: ") and "'b $eq 2'" in results[2]


def test_console_blocks_compare_output_of_each_command(tmp_path: Path) -> None:
    page = """
'''console
$ echo 'Nom$eq"x"' | scale-query fmt -
Nom $eq "x"
$ echo one \\
  two
one two
'''

'''console
$ echo 'a $eq 1' | scale-query fmt -
a $eq 2
'''
"""
    results = outcomes(tmp_path, page)
    assert results[0] == "ok"
    assert results[1].startswith("fail: $ echo 'a $eq 1' | scale-query fmt -")
    assert "a $eq 1" in results[1]


def test_console_sessions_split_commands_from_output() -> None:
    text = "$ a \\\n  b\nout 1\n$ c\n\n$ d\nout 2\nout 3\n"
    assert list(ConsoleBlocks.sessions(text)) == [
        ("a \\\n  b", "out 1\n"),
        ("c", "\n"),
        ("d", "out 2\nout 3\n"),
    ]


def test_error_displays_are_checked_against_the_parser(tmp_path: Path) -> None:
    page = """
'''text
filter:1:9: unquoted value 'Dupont'
  Nom $eq Dupont
          ^^^^^^
  hint: put text values in double quotes: "Dupont"
'''

'''text
filter:1:9: unquoted value 'Dupont'
  Nom $eq Dupont
         ^^^^^^
  hint: put text values in double quotes: "Dupont"
'''

'''text
filter:1:1: nothing wrong
  Nom $eq "Dupont"
  ^
'''

'''text
plain text is not checked
'''
"""
    results = outcomes(tmp_path, page)
    assert results[0] == "ok"
    assert results[1].startswith("fail: parse('Nom $eq Dupont') shows")
    assert results[2] == "fail: parse('Nom $eq \"Dupont\"') raised nothing; the page shows\n" + (
        'filter:1:1: nothing wrong\n  Nom $eq "Dupont"\n  ^'
    )
    assert len(results) == 3


def test_only_a_visible_marker_skips_a_block(tmp_path: Path) -> None:
    page = """
'''python
# not run: needs a real Scal-e account
raise SystemExit("must not run")
'''

'''console
# not run: serves until interrupted
$ scale-query serve --demo
'''

<!-- skip: next -->

'''python
print(undefined_name)
'''
"""
    results = outcomes(tmp_path, page)
    assert results[:2] == [
        "skip: page.md:2: not run: needs a real Scal-e account",
        "skip: page.md:7: not run: serves until interrupted",
    ]
    # Sybil's invisible skip comment is not honoured: a skipped example must say so on the page.
    assert results[2].startswith("fail: ") and "undefined_name" in results[2]
