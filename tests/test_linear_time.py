"""Every input costs time linear in its size: the patterns, and the inputs of issue 9.

Two kinds of proof. Statically, every regular expression the package
compiles or applies (found in its source with :mod:`ast`, plus the lexer's
token patterns from ``language/_tables.py``) passes the backtracking lint of
``tests/backtracking.py`` for the way it is used; a pattern built at run
time must be listed in ``BUILT`` with where its linearity is shown. Then
the inputs that took the old lexer hours (100,000 whitespace characters of
each kind before a bad token, after a good filter, alone) and 10 MB of valid
filter go through ``parse``, ``validate`` and ``scale-query check -`` under a
generous pytest-timeout: a bound that only a super-linear cost can reach,
not a speed target (benchmarks/parse.py has the figures).
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from backtracking import Mode, backtracking

from scale_query import FilterSyntaxError, Or, parse, validate
from scale_query.language import _parser, _tables

PACKAGE = Path(__file__).resolve().parent.parent / "scale_query"
_FUNCTIONS = {
    "compile",
    "match",
    "fullmatch",
    "search",
    "findall",
    "finditer",
    "sub",
    "subn",
    "split",
}
_FLAGS_AT = {"compile": 1, "sub": 4, "subn": 4, "split": 3}  # positional index of flags
_MODES: dict[str, Mode] = {"match": "match", "fullmatch": "fullmatch"}  # the rest: "search"

# Patterns built at run time, by (file, source of the pattern argument): where
# each is shown linear.
BUILT = {
    ("language/_parser.py", "tables['IGNORE']"): "IGNORE is linted below (test_lexer_patterns)",
    ("language/_parser.py", "'|'.join(alternatives) or '(?!)'"): (
        "each state's lexer is linted below (test_lexer_patterns)"
    ),
    ("language/_hints.py", "_tables.TERMINALS['NUMBER']"): "TERMINALS are linted below",
    ("language/_canonical.py", "_tables.TERMINALS['FIELD']"): "TERMINALS are linted below",
    ("client/_protocol.py", "''.join((_spellings(char) for char in token))"): (
        "token_pattern: per token character one group of fixed strings, no repetition: "
        "at most text x token steps, on error bodies cut to 64 KiB (ERROR_BODY_READ)"
    ),
}


@dataclass(frozen=True)
class Use:
    """A regular expression of the package and how it is applied."""

    where: str  # file:line
    source: ast.expr
    flags: int
    modes: frozenset[Mode]


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return node.value.decode("latin-1")  # a bytes pattern: the same shape, byte for char
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None or right is None else left + right
    return None


def _flags(node: ast.expr | None) -> int:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        value: int = getattr(re, node.attr)
        return value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    raise AssertionError(f"flags not understood: {ast.unparse(node)}")


def _modes_of(tree: ast.Module, name: str) -> frozenset[Mode]:
    """How a compiled pattern bound to ``name`` is applied in its module."""
    modes: set[Mode] = set()
    attributes = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == name and node.attr in _FUNCTIONS - {"compile"}:
                modes.add(_MODES.get(node.attr, "search"))
        elif (
            isinstance(node, ast.Name)
            and node.id == name
            and isinstance(node.ctx, ast.Load)
            and id(node) not in attributes
        ):
            modes.add("search")  # handed on: assume the worst
    return frozenset(modes)


def _uses(path: Path) -> Iterator[Use]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "re"
    }
    targets = {
        id(node.value): node.targets[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and len(node.targets) == 1
    }
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in aliases
            and node.func.attr in _FUNCTIONS
        ):
            continue
        function = node.func.attr
        at = _FLAGS_AT.get(function, 2)
        flags = next((k.value for k in node.keywords if k.arg == "flags"), None)
        if flags is None and len(node.args) > at:
            flags = node.args[at]
        if function != "compile":
            modes = frozenset({_MODES.get(function, "search")})
        else:
            target = targets.get(id(node))
            name = target.id if isinstance(target, ast.Name) else None
            modes = _modes_of(tree, name) if name else frozenset({"search"})
        yield Use(f"{path.relative_to(PACKAGE)}:{node.lineno}", node.args[0], _flags(flags), modes)


@functools.cache  # read once for the three tests below: each read parses every module
def _package_uses() -> tuple[Use, ...]:
    return tuple(use for path in sorted(PACKAGE.rglob("*.py")) for use in _uses(path))


def test_the_scan_finds_the_package_patterns() -> None:
    # The scan reads what it should: a regression here would blind the lint.
    found = {(use.where.split(":")[0], _literal(use.source)) for use in _package_uses()}
    assert ("semantics/_reading.py", r"-?[0-9]+(?:\.[0-9]+)?") in found
    assert ("language/_hints.py", r'"(?:[^"\\\n]|\\.)*"') in found


def test_every_pattern_of_the_package_is_linear() -> None:
    problems = []
    for use in _package_uses():
        pattern = _literal(use.source)
        if pattern is None:
            continue
        for mode in sorted(use.modes):
            problems += [
                f"{use.where} {pattern!r} ({mode}): {p}"
                for p in backtracking(pattern, use.flags, mode)
            ]
    assert problems == []


def test_every_pattern_built_at_run_time_is_accounted_for() -> None:
    built = {
        (use.where.split(":")[0], ast.unparse(use.source))
        for use in _package_uses()
        if _literal(use.source) is None
    }
    assert built - set(BUILT) == set(), "say in BUILT where these are shown linear"
    assert set(BUILT) - built == set(), "BUILT lists patterns the package no longer builds"


def test_lexer_patterns() -> None:
    machine = _parser._load()
    problems = [f"IGNORE: {p}" for p in backtracking(_tables.IGNORE, mode="match")]
    for name, pattern in _tables.TERMINALS.items():
        for mode in ("match", "fullmatch"):  # the lexer matches, hints fullmatch
            problems += [f"{name} ({mode}): {p}" for p in backtracking(pattern, mode=mode)]
    for state in range(len(machine.states)):
        lexer = machine.lexer(state).pattern
        problems += [f"state {state}: {p}" for p in backtracking(lexer, mode="match")]
    assert problems == []


def test_tokenize_patterns_the_python_scanner_relies_on() -> None:
    # check reads Python sources with the standard library's tokenize, which
    # applies these with match() at each position of a line.
    names = ["PseudoToken", "Single", "Double", "Single3", "Double3", "ContStr"]
    patterns = {name: getattr(tokenize, name) for name in names if hasattr(tokenize, name)}
    problems = [
        f"{n}: {p}" for n, pattern in patterns.items() for p in backtracking(pattern, mode="match")
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("pattern", "flags", "mode"),
    [
        (r"(?:[ \t\r\n]+)*(?:\$or\b)", 0, "match"),  # the lexer of issue 9: exponential
        (r"(a|aa)*b", 0, "match"),
        (r".*.*.*#", 0, "search"),
        (r"\w+\d+x", 0, "match"),
        (r"(?:^|\s+)#\s*noqa\s*$", re.IGNORECASE, "search"),  # the old noqa: quadratic
        (r"\s+$", 0, "search"),
        (r"b(?:b*c)?", 0, "search"),  # findall reads the b's again after each match
    ],
)
def test_the_lint_refuses_backtracking_shapes(pattern: str, flags: int, mode: Mode) -> None:
    assert backtracking(pattern, flags, mode) != []


@pytest.mark.parametrize(
    ("pattern", "flags", "mode"),
    [
        (r"[^\W\d]\w*(?:\.[^\W\d]\w*)*", 0, "fullmatch"),  # repeats start with a "."
        (r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL, "search"),  # alternatives differ at once
        (r"#[ \t]*noqa", re.IGNORECASE, "search"),
        (r"[\s,]+", 0, "search"),  # split: each run is read once
        (r"(.|.){10}#", 0, "search"),  # bounded: 10 characters per place
        (r"-?[0-9]+(?:\.[0-9]+)?(?![\w.])", 0, "match"),
    ],
)
def test_the_lint_passes_linear_shapes(pattern: str, flags: int, mode: Mode) -> None:
    assert backtracking(pattern, flags, mode) == []


# ---- the inputs of issue 9 -------------------------------------------------

N = 100_000
WHITESPACE = {"space": " ", "tab": "\t", "cr": "\r", "newline": "\n", "mixed": " \t\r\n"}
GOOD = 'Nom $eq "x"'


def _runs() -> Iterator[tuple[str, str, str]]:
    for kind, chars in WHITESPACE.items():
        run = (chars * N)[:N]
        yield kind, "before a bad token", run + "!"
        yield kind, "after a good filter", GOOD + run
        yield kind, "alone", run
        yield kind, "between a good filter and a bad token", GOOD + run + "$ge 1"


CASES = list(_runs())
IDS = [f"{kind} {where}" for kind, where, _ in CASES]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("kind", "where", "text"), CASES, ids=IDS)
def test_parse_whitespace(kind: str, where: str, text: str) -> None:
    if where == "after a good filter":
        assert parse(text) == parse(GOOD)
        return
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text)
    error = caught.value
    # A span is never empty: at the end of the text it is the place after it.
    assert 0 <= error.offset <= len(text)
    assert error.offset < error.end_offset <= max(len(text), error.offset + 1)
    if where != "alone":
        assert error.offset >= N  # the fault is after the run, and so is the caret
    assert text.count("\n", 0, error.offset) + 1 == error.line


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("kind", "where", "text"), CASES, ids=IDS)
def test_validate_whitespace(kind: str, where: str, text: str) -> None:
    codes = [d.code for d in validate(text)]
    assert codes == ([] if where == "after a good filter" else ["SQ001"])


def _check(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scale_query", "check", "-", "--format", "json"],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", sorted(WHITESPACE))
def test_check_whitespace(kind: str) -> None:
    # One run through every placement: a filter file's lines.
    run = (WHITESPACE[kind] * N)[:N]
    text = "\n".join([GOOD + run.replace("\n", " "), run.replace("\n", " ") + "!", run]) + "\n"
    result = _check(text)
    assert result.returncode == 1, result.stderr
    assert '"SQ001"' in result.stdout and "Traceback" not in result.stderr


TEN_MB = 10_000_000


def _large_filter() -> tuple[str, int]:
    """About 10 MB of filter, and how many operands its top-level $or has."""
    unit = 'Nom $eq "dupont" $and Age $gt 12 $or (Pays $in [FR,BE] $and CP $like "75*") $or '
    repeats = TEN_MB // len(unit)
    return unit * repeats + GOOD, 2 * repeats + 1


@pytest.mark.slow  # a minute of parsing
@pytest.mark.timeout(600)
def test_ten_megabytes_of_filter() -> None:
    text, operands = _large_filter()
    assert len(text) >= TEN_MB - 100
    expr = parse(text)
    assert isinstance(expr, Or) and len(expr.operands) == operands
    result = _check(text.replace("$or ", "$or\n  ") + "\n")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
